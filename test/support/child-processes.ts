import { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childrenDir, specPath } from './test-run';

/**
 * Every child process a spec file starts (workers, private Redis or MariaDB servers) registers
 * here. The harness kills what is left after the file; each is also recorded on disk while it
 * runs, so the global teardown finds any that outlived its file. One registry per file: Jest
 * gives each file its own module registry.
 */
interface Child {
  process: ChildProcess;
  description: string;
  gone: Promise<void>;
}

const running = new Map<number, Child>();
let closed = false;

/** The kernel's start time of a process (clock ticks since boot): with the pid, it names the process for good. */
export function processStartTime(pid: number): string | undefined {
  try {
    // Field 22 of /proc/<pid>/stat, counted after the command name in parentheses (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Last resort when the Jest process exits before the harness ran: the children must not outlive it. */
const killOnExit = () => {
  for (const { process: child } of running.values()) child.kill('SIGKILL');
};

/** Throws once the file's children were killed: a start still under way then must not leave an orphan. */
export function assertChildrenAllowed(): void {
  if (closed)
    throw new Error(
      `${specPath()} already killed its child processes (afterAll ran): not starting another`,
    );
}

/** Registers a child just spawned, until it exits. */
export function trackChild(child: ChildProcess, description: string): void {
  const pid = child.pid;
  if (pid === undefined) return; // spawn failed: there is no process to track
  const record = join(childrenDir(), String(pid));
  mkdirSync(childrenDir(), { recursive: true });
  writeFileSync(
    record,
    JSON.stringify({ spec: specPath(), description, startTime: processStartTime(pid) }),
  );
  const gone = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  }).then(() => {
    running.delete(pid);
    rmSync(record, { force: true });
  });
  running.set(pid, { process: child, description, gone });
  process.removeListener('exit', killOnExit).on('exit', killOnExit);
}

/** This file's children still alive, as `<pid> (<description>)`. */
export function aliveChildren(): string[] {
  return [...running].map(([pid, child]) => `${pid} (${child.description})`);
}

/**
 * SIGKILLs every child of this file still alive and waits until they are gone. The harness's
 * afterAll (`refuseNew`) also refuses new ones: a start still under way must not leave an orphan.
 * A spec may call it between its tests and start others afterwards.
 */
export async function killAllChildren({ refuseNew = false } = {}): Promise<void> {
  if (refuseNew) closed = true;
  const alive = [...running.values()];
  for (const { process: child } of alive) child.kill('SIGKILL');
  await Promise.all(alive.map((child) => child.gone));
  process.removeListener('exit', killOnExit);
}
