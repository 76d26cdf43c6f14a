import autocannon from 'autocannon';

type LoadOptions = Parameters<typeof autocannon>[0];
type LoadResult = Awaited<ReturnType<typeof autocannon>>;

/**
 * One autocannon run; throws on any non-2xx answer, error or timeout, since figures that include
 * failed requests would be worthless. `label` names the load in that error (default: the URL).
 */
export async function httpLoad(options: LoadOptions, label = options.url): Promise<LoadResult> {
  const result = await autocannon(options);
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
    throw new Error(
      `${label}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  return result;
}
