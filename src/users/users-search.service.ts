import { Injectable } from '@nestjs/common';
import { DEFAULT_SEARCH_LIMIT, SearchUsersDto } from './dto/search-users.dto.js';
import { User } from './user.entity.js';
import { decodeCursor, encodeCursor } from './users-search.cursor.js';
import { parseSearchQuery } from './users-search.filters.js';
import { UsersSearchStore } from './users-search.store.js';

export interface UsersPage {
  users: User[];
  total: number;
  nextCursor: string | null;
}

@Injectable()
export class UsersSearchService {
  constructor(private readonly store: UsersSearchStore) {}

  /** One page of the users that match, oldest first; the total is counted on the first page and carried after. */
  async search(dto: SearchUsersDto): Promise<UsersPage> {
    const query = parseSearchQuery(dto.query);
    const limit = dto.limit || DEFAULT_SEARCH_LIMIT;
    const after = dto.cursor === undefined ? undefined : decodeCursor(dto.cursor, query);
    // One user more than the page tells whether another page follows.
    const plan = await this.store.plan(query);
    const [users, total] = await Promise.all([
      this.store.page(query, plan, limit + 1, after),
      after ? after.total : this.store.count(query, plan),
    ]);
    const last = users.length > limit ? users[limit - 1] : undefined;
    return {
      users: users.slice(0, limit),
      total,
      nextCursor: last ? encodeCursor({ createdAt: last.createdAt, userId: last.id, total }, query) : null,
    };
  }
}
