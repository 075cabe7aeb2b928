import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Whole entities read with hand-written SQL (see `FixedStatement`): `EntityRows.select` lists an entity's columns
 * under an alias, `EntityRows.read` turns them back into the entity, converting each value as TypeORM itself does
 * when it reads (dates, booleans and JSON on SQLite), so that callers see exactly what a repository would return.
 */
export class EntityRows<T extends ObjectLiteral> {
  private readonly metadata: EntityMetadata;
  /** `alias.column AS alias_column, …` for every column. */
  readonly select: string;

  constructor(
    private readonly dataSource: DataSource,
    entity: EntityTarget<T>,
    private readonly alias: string,
  ) {
    this.metadata = dataSource.getMetadata(entity);
    this.select = this.metadata.columns
      .map((column) => `${alias}.${column.databaseName} AS ${alias}_${column.databaseName}`)
      .join(', ');
  }

  /** The entity in `row`, or undefined when its primary key is NULL (a LEFT JOIN that matched nothing). */
  read(row: Record<string, unknown>): T | undefined {
    if (row[`${this.alias}_${this.metadata.primaryColumns[0].databaseName}`] == null) return undefined;
    const entity = this.metadata.create() as T;
    for (const column of this.metadata.columns) {
      const value = this.dataSource.driver.prepareHydratedValue(row[`${this.alias}_${column.databaseName}`], column);
      column.setEntityValue(entity, value);
    }
    return entity;
  }
}
