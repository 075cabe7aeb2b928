import 'reflect-metadata';
import { Expose, plainToInstance, Transform, Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { toDtoInstance } from './dto-instance.js';

class Leaf {
  @IsString()
  name!: string;

  describe(): string {
    return `leaf ${this.name}`;
  }
}

class Tree {
  @ValidateNested()
  @Type(() => Leaf)
  leaves!: Leaf[];

  @IsOptional()
  @ValidateNested()
  @Type(() => Leaf)
  root?: Leaf;

  @IsOptional()
  claims?: Record<string, unknown>;
}

class Renamed {
  @Expose({ name: 'display_name' })
  @IsString()
  displayName!: string;
}

class Trimmed {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  name!: string;
}

describe('toDtoInstance', () => {
  it('makes instances of the @Type properties, in arrays too, and copies free-form JSON', () => {
    const plain = { leaves: [{ name: 'a' }, 'b', null], root: { name: 'r' }, claims: { plan: { tier: 1 } } };
    const tree = toDtoInstance(Tree, plain) as Tree;
    expect(tree).toStrictEqual(plainToInstance(Tree, plain));
    expect(tree.leaves[0]).toBeInstanceOf(Leaf);
    expect(tree.root?.describe()).toBe('leaf r');
    expect(tree.claims).not.toBe(plain.claims);
  });

  it('never overwrites a method, nor keeps a key named after one in free-form JSON', () => {
    const leaf = toDtoInstance(Leaf, { name: 'a', describe: 'overwritten?' }) as Leaf;
    expect(leaf.describe()).toBe('leaf a');
    const tree = toDtoInstance(Tree, { leaves: [], claims: { toString: 1, plan: 'pro' } }) as Tree;
    expect(tree.claims).toStrictEqual({ plan: 'pro' });
  });

  it("leaves @Expose and @Transform to class-transformer's own walk", () => {
    expect(toDtoInstance(Renamed, { display_name: 'Ada' })).toStrictEqual(
      plainToInstance(Renamed, { display_name: 'Ada' }),
    );
    expect((toDtoInstance(Renamed, { display_name: 'Ada' }) as Renamed).displayName).toBe('Ada');
    expect((toDtoInstance(Trimmed, { name: '  Ada ' }) as Trimmed).name).toBe('Ada');
  });
});
