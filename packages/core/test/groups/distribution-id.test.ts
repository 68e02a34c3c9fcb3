import { describe, expect, it } from 'vitest';
import { groupOfDistributionId, newDistributionId } from '../../src/groups/distribution-id.js';

describe('distribution ids name their group to members only', () => {
  const groups = ['g-00112233445566778899aabbccddeeff', 'g-ffeeddccbbaa99887766554433221100'];

  it('are UUIDs that test positive for their group and no other', () => {
    for (const group of groups) {
      const id = newDistributionId(group);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(groupOfDistributionId(id, groups)).toBe(group);
      expect(
        groupOfDistributionId(
          id,
          groups.filter((g) => g !== group),
        ),
      ).toBeUndefined();
    }
  });

  it('differ each time (a fresh id per chain links nothing) and ignore garbage', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newDistributionId(groups[0]!)));
    expect(ids.size).toBe(100);
    expect(groupOfDistributionId(crypto.randomUUID(), groups)).toBeUndefined();
    expect(groupOfDistributionId('not a uuid', groups)).toBeUndefined();
  });
});
