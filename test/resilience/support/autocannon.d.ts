// autocannon 9 ships no type declarations (and @types/autocannon is not installed): the part the suite uses.
declare module 'autocannon' {
  namespace autocannon {
    interface Histogram {
      average: number;
      p50: number;
      p99: number;
      total: number;
    }
    interface Result {
      requests: Histogram;
      latency: Histogram;
      errors: number;
      timeouts: number;
      non2xx: number;
    }
    interface Request {
      method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      path?: string;
      body?: string;
      headers?: Record<string, string>;
      setupRequest?: (request: Record<string, unknown>, context: Record<string, unknown>) => Record<string, unknown>;
      onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
    }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      amount?: number;
      /** Requests per second across all connections. */
      overallRate?: number;
      headers?: Record<string, string>;
      requests?: Request[];
    }
  }
  /** The running instance: a promise of the result that also emits every response (its time in ms). */
  function autocannon(options: autocannon.Options): Promise<autocannon.Result> & {
    on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): unknown;
  };
  export default autocannon;
}
