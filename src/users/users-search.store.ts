import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils.js';
import { EntityRows } from '../database/entity-rows.js';
import { UserEmail } from './user-email.entity.js';
import { User } from './user.entity.js';
import type { SearchFilter, SearchQuery } from './users-search.filters.js';

/** Bound values of one statement, with the placeholder syntax of its database. */
class Parameters {
  readonly values: unknown[] = [];
  constructor(private readonly sqlite: boolean) {}

  add(value: string | Date | number): string {
    this.values.push(this.sqlite && value instanceof Date ? DateUtils.mixedDateToUtcDatetimeString(value) : value);
    return this.sqlite ? '?' : `$${this.values.length}`;
  }

  list(values: string[]): string {
    return values.map((value) => this.add(value)).join(', ');
  }
}

/** Up to this many matches a search counts its total exactly. */
export const SEARCH_EXACT_TOTAL = 10_000;

type EmailFilter = Extract<
  SearchFilter,
  { kind: 'email_id' | 'email_address' | 'email_domain' | 'email_address_fuzzy' }
>;

/** How each email filter of a query is read (`UsersSearchStore.plan`); a filter it does not list is read `in`. */
export type SearchPlan = Map<SearchFilter, 'in' | 'exists'>;

// Above every character an email address holds: `prefix <= x < prefix + MAX_CHAR` is "x starts with prefix".
const MAX_CHAR = '\u{10FFFF}';

/**
 * The search statements. Each filter is written so that one index of migration UsersSearch1765200000000 answers
 * it, and the page is read in (created_at, id) order from the index on those two columns.
 */
@Injectable()
export class UsersSearchStore {
  private readonly sqlite: boolean;
  private readonly userRows: EntityRows<User>;
  private readonly emailRows: EntityRows<UserEmail>;
  /** The domain of `e.email_normalized`, spelled exactly as the expression index on it is. */
  private readonly domain: string;
  /** `e.email_normalized` compared byte-wise, so that a range is a prefix match whatever the database's collation. */
  private readonly address: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sqlite = dataSource.options.type === 'better-sqlite3';
    this.userRows = new EntityRows(dataSource, User, 'u');
    this.emailRows = new EntityRows(dataSource, UserEmail, 'e');
    this.domain = this.sqlite
      ? `substr(e.email_normalized, instr(e.email_normalized, '@') + 1)`
      : `(split_part(e.email_normalized, '@', 2) COLLATE "C")`;
    this.address = this.sqlite ? 'e.email_normalized' : `(e.email_normalized COLLATE "C")`;
  }

  /**
   * How many users match, exactly when there are at most `SEARCH_EXACT_TOTAL` or no filter at all; otherwise -1,
   * Stytch's "totals disabled": an exact count of a broad filter reads every match, seconds over a million users.
   */
  async count(query: SearchQuery, plan: SearchPlan): Promise<number> {
    if (query.filters.length === 0) {
      const [row] = await this.run<{ total: string | number }>(
        'SELECT COUNT(*) AS total FROM users u',
        new Parameters(this.sqlite),
      );
      return Number(row.total);
    }
    const parameters = new Parameters(this.sqlite);
    const where = this.where(query, plan, parameters);
    const [row] = await this.run<{ total: string | number }>(
      `SELECT COUNT(*) AS total FROM (SELECT 1 FROM users u WHERE ${where} LIMIT ${parameters.add(SEARCH_EXACT_TOTAL + 1)}) matches`,
      parameters,
    );
    const total = Number(row.total);
    return total > SEARCH_EXACT_TOTAL ? -1 : total;
  }

  /**
   * How each email filter is best read: through the emails that match (`IN`), when few users have them, or by
   * walking users in page order and probing each one's emails (`EXISTS`), when many do. Without this choice a
   * filter such as gmail.com builds the list of every match (hundreds of thousands) before returning a page of 100.
   */
  async plan(query: SearchQuery): Promise<SearchPlan> {
    const plan: SearchPlan = new Map();
    for (const filter of query.filters) {
      if (filter.kind !== 'email_domain' && filter.kind !== 'email_address_fuzzy') continue;
      const parameters = new Parameters(this.sqlite);
      const [row] = await this.run<{ n: string | number }>(
        `SELECT COUNT(*) AS n FROM (${this.matchingEmails(filter, parameters)} LIMIT ${parameters.add(SEARCH_EXACT_TOTAL + 1)}) matches`,
        parameters,
      );
      plan.set(filter, Number(row.n) > SEARCH_EXACT_TOTAL ? 'exists' : 'in');
    }
    return plan;
  }

  /** Up to `limit` matching users after `after` in (created_at, id) order, with their emails. */
  async page(
    query: SearchQuery,
    plan: SearchPlan,
    limit: number,
    after?: { createdAt: Date; userId: string },
  ): Promise<User[]> {
    const parameters = new Parameters(this.sqlite);
    const conditions: string[] = [];
    const where = this.where(query, plan, parameters);
    if (where) conditions.push(`(${where})`);
    if (after) {
      conditions.push(`(u.created_at, u.id) > (${parameters.add(after.createdAt)}, ${parameters.add(after.userId)})`);
    }
    const rows = await this.run(
      `SELECT ${this.userRows.select} FROM users u` +
        (conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '') +
        ` ORDER BY u.created_at, u.id LIMIT ${parameters.add(limit)}`,
      parameters,
    );
    const users = rows.map((row) => this.userRows.read(row)!);
    if (users.length === 0) return users;
    const emailParameters = new Parameters(this.sqlite);
    const emailRows = await this.run(
      `SELECT ${this.emailRows.select} FROM user_emails e WHERE e.user_id IN (${emailParameters.list(users.map((user) => user.id))})`,
      emailParameters,
    );
    const byUser = new Map(users.map((user) => [user.id, (user.emails = [] as UserEmail[])]));
    for (const row of emailRows) {
      const email = this.emailRows.read(row)!;
      byUser.get(email.userId)?.push(email);
    }
    return users;
  }

  private where(query: SearchQuery, plan: SearchPlan, parameters: Parameters): string {
    return query.filters
      .map((filter) => `(${this.condition(filter, plan.get(filter) ?? 'in', parameters)})`)
      .join(query.operator === 'AND' ? ' AND ' : ' OR ');
  }

  private condition(filter: SearchFilter, read: 'in' | 'exists', parameters: Parameters): string {
    switch (filter.kind) {
      case 'user_id':
        return `u.id IN (${parameters.list(filter.values)})`;
      case 'external_id':
        return `u.external_id IN (${parameters.list(filter.values)})`;
      case 'status':
        return `u.status = ${parameters.add(filter.status)}`;
      case 'created_at':
        return [
          filter.after && `u.created_at > ${parameters.add(filter.after)}`,
          filter.before && `u.created_at < ${parameters.add(filter.before)}`,
        ]
          .filter(Boolean)
          .join(' AND ');
      case 'email_verified':
        // A user "has a verified email" or has none: false is the complement of true, as Stytch's phone_verified.
        return this.hasEmail('e.verified = TRUE', filter.verified);
      default:
        if (read === 'exists') {
          return this.hasEmail(this.emailCondition(filter, parameters), true);
        }
        // PostgreSQL reads an ARRAY(subquery) once, then looks ids up in the primary key, also under OR; an IN
        // (subquery) there is a hashed filter that walks every user when ORed with another condition.
        return this.sqlite
          ? `u.id IN (${this.matchingEmails(filter, parameters)})`
          : `u.id = ANY(ARRAY(${this.matchingEmails(filter, parameters)}))`;
    }
  }

  /**
   * Whether user `u` has (or, `has` false, lacks) an email meeting `condition`, probed through its user_id index
   * for each user walked. On SQLite the index is named: without statistics it may pick the domain index instead
   * and read every email of the domain for each user. On PostgreSQL a scalar subquery, which, unlike EXISTS, is
   * never turned into a join that first reads every matching email of the table.
   */
  private hasEmail(condition: string, has: boolean): string {
    if (this.sqlite) {
      return (
        `${has ? '' : 'NOT '}EXISTS (SELECT 1 FROM user_emails e INDEXED BY "IDX_user_emails_user_id_verified" ` +
        `WHERE e.user_id = u.id AND (${condition}))`
      );
    }
    return `(SELECT 1 FROM user_emails e WHERE e.user_id = u.id AND (${condition}) LIMIT 1) IS ${has ? 'NOT ' : ''}NULL`;
  }

  /** `SELECT e.user_id …` of the emails that match an email filter, each branch through its own index. */
  private matchingEmails(filter: EmailFilter, parameters: Parameters): string {
    if (filter.kind === 'email_address_fuzzy') {
      return (
        `SELECT e.user_id FROM user_emails e WHERE ${this.prefix(this.address, filter.prefix, parameters)} ` +
        `UNION SELECT e.user_id FROM user_emails e WHERE ${this.prefix(this.domain, filter.prefix, parameters)}`
      );
    }
    return `SELECT e.user_id FROM user_emails e WHERE ${this.emailCondition(filter, parameters)}`;
  }

  private emailCondition(filter: EmailFilter, parameters: Parameters): string {
    switch (filter.kind) {
      case 'email_id':
        return `e.id IN (${parameters.list(filter.values)})`;
      case 'email_address':
        return `e.email_normalized IN (${parameters.list(filter.values)})`;
      case 'email_domain':
        return `${this.domain} IN (${parameters.list(filter.values)})`;
      case 'email_address_fuzzy':
        return (
          `(${this.prefix(this.address, filter.prefix, parameters)}) OR ` +
          `(${this.prefix(this.domain, filter.prefix, parameters)})`
        );
    }
  }

  private prefix(column: string, prefix: string, parameters: Parameters): string {
    return `${column} >= ${parameters.add(prefix)} AND ${column} < ${parameters.add(prefix + MAX_CHAR)}`;
  }

  private run<T = Record<string, unknown>>(sql: string, parameters: Parameters): Promise<T[]> {
    return this.dataSource.query<T[]>(sql, parameters.values);
  }
}
