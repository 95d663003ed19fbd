import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  COST_DOC_BEGIN,
  COST_DOC_END,
  type FleetCounts,
  idleFloorMonth,
  idleRatio,
  regeneratedCostDoc,
  renderCostSection,
} from '../../../bench/support/cost-model.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const docPath = path.join(root, 'docs/cost.md');
const doc = readFileSync(docPath, 'utf8');
const counts = JSON.parse(readFileSync(path.join(root, 'docs/cost-counts.json'), 'utf8')) as FleetCounts;

describe('docs/cost.md, measured section', () => {
  it('is exactly what the generator renders from docs/cost-counts.json (no number edited by hand)', async () => {
    expect(doc).toContain(COST_DOC_BEGIN);
    expect(doc).toContain(COST_DOC_END);
    expect(await regeneratedCostDoc(doc, counts, docPath)).toBe(doc);
  });

  it('changes when a count changes: the section is read from the counts, not fixed text', () => {
    const idle = counts.classes['idle']!;
    const more: FleetCounts = {
      ...counts,
      classes: {
        ...counts.classes,
        idle: {
          ...idle,
          usage: { ...idle.usage, 'dynamodb.writeUnits': (idle.usage['dynamodb.writeUnits'] ?? 0) * 2 },
        },
      },
    };
    expect(renderCostSection(more)).not.toBe(renderCostSection(counts));
    expect(idleRatio(more)).toBeGreaterThan(idleRatio(counts));
  });

  it('prices the floor as one Admin call, one worker invocation and one conditional write an hour', () => {
    // 730 h × ($0.20/M + (10 + 120 + 6) ms × 1 GB × $0.0000133334 + 1 WRU × $0.625/M)
    expect(idleFloorMonth()).toBeCloseTo(730 * (0.2e-6 + 0.136 * 0.0000133334 + 0.625e-6), 8);
  });
});
