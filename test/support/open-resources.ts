/**
 * What a spec file has opened in this process and not closed yet: applications, browsers,
 * receivers. Each registers here when it opens and leaves when it closes, so the harness
 * (spec-harness.ts) can close what a spec left open, for instance when its beforeAll failed
 * half-way and its afterAll never got a handle to close. One registry per file: Jest gives each
 * file its own module registry.
 */
interface OpenResource {
  label: string;
  close: () => Promise<unknown>;
}

const open = new Set<OpenResource>();

/**
 * Registers something just opened; returns its close function, which closes it once (later
 * calls wait for the same close) and unregisters it.
 */
export function trackOpen(label: string, close: () => Promise<unknown>): () => Promise<void> {
  const resource: OpenResource = { label, close };
  open.add(resource);
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      open.delete(resource);
      await close();
    })();
    return closing;
  };
}

/** What closeLeftovers found: the labels it closed, and those whose close failed (with why). */
export interface Leftovers {
  closed: string[];
  failed: string[];
}

/** Closes everything still open, newest first (a browser before the app it shows). */
export async function closeLeftovers(): Promise<Leftovers> {
  const left = [...open].reverse();
  open.clear();
  const leftovers: Leftovers = { closed: [], failed: [] };
  for (const resource of left) {
    try {
      await resource.close();
      leftovers.closed.push(resource.label);
    } catch (error) {
      leftovers.failed.push(`${resource.label} (${String(error)})`);
    }
  }
  return leftovers;
}
