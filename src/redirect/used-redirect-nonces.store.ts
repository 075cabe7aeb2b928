import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { FixedStatement } from '../database/fixed-statement.js';

/** The used confirm nonces, in the database every gateway instance shares. */
@Injectable()
export class UsedRedirectNoncesStore {
  private readonly insert: FixedStatement;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.insert = new FixedStatement(
      dataSource,
      'INSERT INTO redirect_used_nonces (nonce_hash, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    );
  }

  /** Records the nonce as used; false when it already was. One conditional write, so one caller wins a race. */
  async add(nonceHash: string, expiresAt: Date): Promise<boolean> {
    return (await this.insert.run([nonceHash, expiresAt])).affected === 1;
  }
}
