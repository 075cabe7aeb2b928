import { DataSource } from 'typeorm';
import { databaseOptions } from './src/gateway/database.options.js';

/** The DataSource for the TypeORM CLI: `npx typeorm migration:run -d dist/ormconfig.js` after `npm run build`. */
export default new DataSource(databaseOptions(process.env.DATABASE_URL ?? 'sqlite:./data/magic-links.sqlite', false));
