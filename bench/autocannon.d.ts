/** The part of autocannon 8's API the benches use (the package ships no types). */
declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    headers?: Record<string, string>;
    /** Default GET. */
    method?: string;
    body?: string;
  }

  interface Figures {
    average: number;
    p50: number;
    p99: number;
    max: number;
  }

  interface Result {
    /** Requests per second, sampled every second; `total` completed requests. */
    requests: Figures & { total: number };
    /** Milliseconds. */
    latency: Figures;
    errors: number;
    timeouts: number;
    non2xx: number;
  }

  function autocannon(options: Options): Promise<Result>;
  export = autocannon;
}
