import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user the import did not write, and why. */
export interface ImportConflict {
  user_id: string;
  reason: string;
}

/** The progress of importing one source project (migration StytchImports1765210000000). */
@Entity('stytch_imports')
export class StytchImport {
  /** The source's origin and project id. */
  @PrimaryColumn({ type: 'varchar', length: 512 })
  source!: string;

  /** Where the next page starts; null before the first page and after the last. */
  @Column({ type: 'text', nullable: true })
  cursor!: string | null;

  /** The source's count of its users, or -1 before the first page. */
  @Column({ type: 'integer' })
  total!: number;

  @Column({ type: 'integer' })
  read!: number;

  @Column({ type: 'integer' })
  imported!: number;

  @Column({ type: 'integer' })
  unchanged!: number;

  @Column({ type: 'simple-json' })
  conflicts!: ImportConflict[];

  @Column({ name: 'started_at', type: Date })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt!: Date | null;
}
