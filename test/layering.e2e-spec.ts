/**
 * `npm run lint` keeps the layering (issue 25): eslint refuses an import into a higher layer or a
 * root file, and dependency-cruiser refuses a cycle between folders of src/, even between two
 * folders of one layer, which eslint allows. Each test writes deliberate offenders into src/,
 * runs the tool the lint script runs on them, and removes them whatever happens.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trackChild } from './support/child-processes';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'node_modules', '.bin');

interface Run {
  code: number | null;
  output: string;
}

function run(tool: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      join(BIN, tool),
      args,
      { cwd: ROOT, timeout: 50_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
    trackChild(child, tool);
  });
}

/** Writes `files` (paths relative to the repository) for the length of `body`. */
async function withFiles(files: Record<string, string>, body: () => Promise<void>): Promise<void> {
  try {
    for (const [path, text] of Object.entries(files)) writeFileSync(join(ROOT, path), text);
    await body();
  } finally {
    for (const path of Object.keys(files)) rmSync(join(ROOT, path), { force: true });
  }
}

describe('layering (npm run lint)', () => {
  it('eslint refuses an upward import and a root file, and names the rule broken', async () => {
    const upward = 'src/common/__layering_probe_upward.ts';
    const root = 'src/webhooks/__layering_probe_root.ts';
    const fine = 'src/bulk/__layering_probe_downward.ts';
    await withFiles(
      {
        [upward]:
          "import { Customer } from '../hosting/customer.entity';\nexport const c = Customer;\n",
        [root]: "import { ApiModule } from '../api.module';\nexport const m = ApiModule;\n",
        [fine]:
          "import { Deliveries } from '../webhooks/delivery/deliveries';\nimport { BULK_QUEUE } from '../queues';\nexport const d = [Deliveries, BULK_QUEUE];\n",
      },
      async () => {
        const { code, output } = await run('eslint', ['--no-warn-ignored', upward, root, fine]);
        expect(code).toBe(1);
        expect(output).toContain(
          'src/common/ may not import audit, bulk, customers, domains, health, panel, plesk, queues-dashboard, subscriptions, webhooks, suspension, events, auth, hosting, database, redis, metrics',
        );
        expect(output).toContain("src/webhooks/ may not import the application's root files");
        expect(output).not.toContain('__layering_probe_downward');
        expect(output).toMatch(/2 problems \(2 errors/);
      },
    );
  });

  it('dependency-cruiser refuses a cycle between two folders of one layer', async () => {
    const common = 'src/common/__layering_probe_cycle.ts';
    const config = 'src/config/__layering_probe_cycle.ts';
    const args = ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'];
    await withFiles(
      {
        [common]:
          "import { back } from '../config/__layering_probe_cycle';\nexport const there = back;\n",
        [config]:
          "import { there } from '../common/__layering_probe_cycle';\nexport const back = () => there;\n",
      },
      async () => {
        const { code, output } = await run('depcruise', args);
        expect(code).not.toBe(0);
        expect(output).toMatch(/no-folder-cycle: src\/(common|config) →\s+src\/(config|common) →/);
      },
    );
    // Without the probes the same run is clean: the failure above was theirs.
    expect(await run('depcruise', args)).toMatchObject({ code: 0 });
  });
});
