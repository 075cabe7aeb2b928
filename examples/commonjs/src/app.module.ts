import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
// A CommonJS file: this import compiles to require(), which loads the ES-module package on Node 20.19+.
import { MAGIC_LINKS_ENTITIES, MAGIC_LINKS_MIGRATIONS, MagicLinksModule } from 'nestjs-magic-links';
import { GreetingController } from './greeting.controller';
import { settings } from './settings';

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'better-sqlite3',
      database: settings.database,
      entities: [...MAGIC_LINKS_ENTITIES],
      migrations: [...MAGIC_LINKS_MIGRATIONS],
      migrationsRun: true,
    }),
    // forRootAsync, as a host that reads its settings through a config service would.
    MagicLinksModule.forRootAsync({
      useFactory: () => ({
        projectId: settings.projectId,
        secret: settings.secret,
        publicUrl: settings.publicUrl,
        redirectUrls: {
          login: [settings.redirectUrl],
          signup: [settings.redirectUrl],
          invite: [settings.redirectUrl],
        },
        email: { outboxDir: settings.outboxDir },
      }),
    }),
  ],
  controllers: [GreetingController],
})
export class AppModule {}
