import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

/**
 * Whole entities read with hand-written SQL (see `FixedStatement`): `EntityRows.select` lists an entity's columns
 * under an alias, `EntityRows.read` turns them back into the entity, converting each value as TypeORM itself does
 * when it reads (dates, booleans and JSON on SQLite), so that callers see exactly what a repository would return.
 */
export class EntityRows<T extends ObjectLiteral> {
  private readonly metadata: EntityMetadata;
  /** `alias.column AS alias_column, …` for every column. */
  readonly select: string;
  /** Each column with the name it has in a row, `alias_column`. */
  private readonly fields: { column: ColumnMetadata; key: string }[];
  private readonly primaryKey: string;

  constructor(
    private readonly dataSource: DataSource,
    entity: EntityTarget<T>,
    alias: string,
  ) {
    this.metadata = dataSource.getMetadata(entity);
    this.fields = this.metadata.columns.map((column) => ({ column, key: `${alias}_${column.databaseName}` }));
    this.primaryKey = `${alias}_${this.metadata.primaryColumns[0].databaseName}`;
    this.select = this.fields.map(({ column, key }) => `${alias}.${column.databaseName} AS ${key}`).join(', ');
  }

  /** The entity in `row`, or undefined when its primary key is NULL (a LEFT JOIN that matched nothing). */
  read(row: Record<string, unknown>): T | undefined {
    if (row[this.primaryKey] == null) return undefined;
    const entity = this.metadata.create() as T;
    for (const { column, key } of this.fields) {
      column.setEntityValue(entity, this.dataSource.driver.prepareHydratedValue(row[key], column));
    }
    return entity;
  }
}
