/**
 * The README and docs/ promise commands, settings and links; this checks that each one points at
 * something real. The files are read when the test runs, so docs added later (by other branches)
 * are checked as soon as they exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const ROOT = join(__dirname, '..');

/**
 * Docs that README links to and that arrive with other branches (issue 25 split the README between
 * several people): a link to one of them may dangle until it is merged, then it is checked like
 * every other link.
 */
const ARRIVING_WITH_OTHER_BRANCHES = [
  'docs/webhooks.md',
  'docs/billing-systems.md',
  'docs/high-availability.md',
];

const documents = () => [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const exists = (file: string) => existsSync(join(ROOT, file));

interface CodeBlock {
  file: string;
  language: string;
  text: string;
}

function codeBlocks(file: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```/gm;
  for (const match of read(file).matchAll(fence))
    blocks.push({ file, language: match[1], text: match[2] });
  return blocks;
}

const SHELL = new Set(['sh', 'bash', 'shell']);
const shellBlocks = () =>
  documents()
    .flatMap(codeBlocks)
    .filter((b) => SHELL.has(b.language));

/** A block's commands: continuations joined, comments dropped, split at `&&`, `;`, `|` and `&`. */
function commandsOf(block: CodeBlock): string[][] {
  return block.text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .flatMap((line) => line.split(/&&|;|\||&/))
    .map((command) => command.trim().split(/\s+/).filter(Boolean))
    .filter((words) => words.length > 0);
}

const ASSIGNMENT = /^([A-Z][A-Z0-9_]*)=/;
/**
 * `TOKEN=$(curl ...)`, or `KEY=ck_...` alone on its line (no command after it), is a shell variable
 * for the lines below, not a setting.
 */
const isShellVariable = (words: string[]) =>
  /^[A-Z_]+=\$\(/.test(words[0]) || words.every((word) => ASSIGNMENT.test(word));

const packageJson = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

/** What is wrong with one command: an npm script, a file, or a tool it names that does not exist. */
function problemsOf(words: string[]): string[] {
  const [tool, ...args] = words.slice(words.findIndex((word) => !ASSIGNMENT.test(word)));
  const problems: string[] = [];
  const script = (name: string) => {
    if (!(name in packageJson.scripts)) problems.push(`npm script "${name}"`);
  };
  if (tool === 'npm') {
    const [verb, name] = args;
    if (verb === 'run') script(name);
    else if (verb === 'start' || verb === 'test') script(verb);
    else if (verb !== 'install' && verb !== 'ci') problems.push(`npm ${verb}`);
  }
  if (tool === 'npx' && !exists(`node_modules/.bin/${args[0]}`)) problems.push(`npx ${args[0]}`);
  for (const word of [tool, ...args]) {
    const path = word.replace(/^['"]|['"]$/g, '');
    if (!/^[\w.-]+(\/[\w.-]+)+\.(ts|js|json|ya?ml|md|mjs)$/.test(path)) continue;
    // Built files come from their sources: dist/main.js is src/main.ts compiled.
    const source = path.replace(/^dist\/(.*)\.js$/, 'src/$1.ts');
    if (!exists(source)) problems.push(`file ${path}`);
  }
  if (tool === 'docker-compose' && !exists('docker-compose.yml'))
    problems.push('docker-compose.yml');
  return problems;
}

/** Settings named in commands, in inline `NAME=value` code, and in README's settings table. */
function settingsNamed(file: string): string[] {
  const text = read(file);
  const names = new Set<string>();
  for (const block of codeBlocks(file).filter((b) => SHELL.has(b.language)))
    for (const words of commandsOf(block)) {
      if (isShellVariable(words)) continue;
      for (const word of words) {
        const name = ASSIGNMENT.exec(word)?.[1];
        if (!name) break;
        names.add(name);
      }
    }
  for (const match of text.matchAll(/`([A-Z][A-Z0-9_]{2,})=[^`]*`/g)) names.add(match[1]);
  for (const match of text.matchAll(/^\| `([A-Z][A-Z0-9_]{2,})`(?:, `([A-Z][A-Z0-9_]{2,})`)? \|/gm))
    [match[1], match[2]].filter(Boolean).forEach((name) => names.add(name));
  return [...names];
}

const sources = (folder: string): string[] =>
  readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => read(relative(ROOT, join(entry.parentPath, entry.name))));

describe('the README and docs/', () => {
  it('name only npm scripts, files and tools that exist in their commands', () => {
    const problems = shellBlocks().flatMap((block) =>
      commandsOf(block).flatMap((words) =>
        problemsOf(words).map((problem) => `${block.file}: \`${words.join(' ')}\`: no ${problem}`),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('name only settings that .env.example lists and src/config reads, or that Jest, tests and benches read', () => {
    const example = read('.env.example');
    const config = sources('src/config').join('\n');
    const harness = [...sources('test'), ...sources('bench'), read('jest.config.js')].join('\n');
    const problems = documents().flatMap((file) =>
      settingsNamed(file)
        .filter((name) => {
          const setting =
            new RegExp(`^${name}=`, 'm').test(example) && config.includes(`'${name}'`);
          return !setting && !harness.includes(`env.${name}`);
        })
        .map((name) => `${file}: ${name}`),
    );
    expect(problems).toEqual([]);
  });

  it('link only to files that exist in the repository', () => {
    const problems = documents().flatMap((file) =>
      [...read(file).matchAll(/\]\(([^)\s]+)\)/g)]
        .map((match) => match[1])
        .filter((target) => !/^(https?:|mailto:|#)/.test(target))
        .map((target) => normalize(join(dirname(file), target.split('#')[0])))
        .filter((target) => target.startsWith('..') || !exists(target))
        .filter((target) => !(ARRIVING_WITH_OTHER_BRANCHES.includes(target) && !exists(target)))
        .map((target) => `${file}: ${target}`),
    );
    expect(problems).toEqual([]);
  });

  it('keep the README short: about 300 lines, the rest in docs/', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(330);
  });
});
