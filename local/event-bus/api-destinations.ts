import { randomUUID } from 'node:crypto';

/**
 * The local stand-in for EventBridge's control plane and API destinations (docs/actions.md#api-destinations): the
 * connections, API destinations, rules and targets the production provisioner creates through the SDK, kept in
 * memory, and for each event put on the bus the matching rules' targets invoked as EventBridge does — the
 * connection's auth header, the input transformer's body, the destination's rate limit, retries with exponential
 * backoff on 401/407/409/429/5xx and no answer, and, once the retry policy is spent, a dead-letter entry.
 */
type Json = Record<string, unknown>;

interface Connection {
  Name: string;
  ConnectionArn: string;
  AuthorizationType: string;
  AuthParameters: Json;
}
interface ApiDestination {
  Name: string;
  ApiDestinationArn: string;
  ConnectionArn: string;
  InvocationEndpoint: string;
  HttpMethod: string;
  InvocationRateLimitPerSecond: number;
  nextSlotMs: number;
}
interface Target {
  Id: string;
  Arn: string;
  RoleArn?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
}
interface Rule {
  Name: string;
  Arn: string;
  EventBusName: string;
  EventPattern: Json;
  State: string;
  targets: Map<string, Target>;
}

export interface BusEvent {
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  detail: unknown;
  [key: string]: unknown;
}

export interface DeadLetter {
  ruleName: string;
  targetId: string;
  deadLetterArn: string | null;
  event: BusEvent;
  attempts: number;
  error: string;
}

export class EventBridgeError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** Does an event match a pattern (exact values, nested objects; what the rules here use)? */
export function patternMatches(pattern: Json, value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const object = value as Json;
  return Object.entries(pattern).every(([key, expected]) => {
    if (Array.isArray(expected)) return expected.some((e) => e === object[key]);
    return typeof expected === 'object' && expected !== null && patternMatches(expected as Json, object[key]);
  });
}

/** `$.a.b-c.d` on an object (dot notation, as input transformers support). */
function atPath(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Json)[part];
  }
  return current;
}

/**
 * An input transformer applied to an event: each placeholder replaced by its path's JSON value (unquoted
 * placeholders) or raw text (inside a string); a missing path gives null.
 */
export function applyInputTransformer(spec: NonNullable<Target['InputTransformer']>, event: unknown): string {
  const values = new Map(Object.entries(spec.InputPathsMap ?? {}).map(([k, p]) => [k, atPath(event, p) ?? null]));
  return spec.InputTemplate.replace(
    /("?)<([A-Za-z0-9_.-]+)>("?)/g,
    (whole, open: string, key: string, close: string) => {
      if (!values.has(key)) return whole;
      const value = values.get(key);
      if (open && close) return JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value));
      return `${open}${JSON.stringify(value)}${close}`;
    },
  );
}

const RETRYABLE = (status: number | null) =>
  status === null || status === 401 || status === 407 || status === 409 || status === 429 || status >= 500;

export interface LocalApiDestinationsOptions {
  region?: string;
  /** First retry wait; doubles per retry. @default 1000 ms */
  retryBaseDelayMs?: number;
  /** Wait cap. @default 60 000 ms */
  retryMaxDelayMs?: number;
  log?: (line: string) => void;
}

export class LocalApiDestinations {
  private readonly connections = new Map<string, Connection>();
  private readonly destinations = new Map<string, ApiDestination>();
  private readonly rules = new Map<string, Rule>();
  private readonly dead: DeadLetter[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;
  private readonly arn: (kind: string, name: string) => string;

  constructor(private readonly options: LocalApiDestinationsOptions = {}) {
    this.arn = (kind, name) => `arn:aws:events:${options.region ?? 'us-east-1'}:000000000000:${kind}/${name}`;
  }

  /** Events given up on (the target's DLQ in AWS), oldest first. */
  deadLetters(): DeadLetter[] {
    return [...this.dead];
  }

  /** Resolves when every invocation started so far has delivered or been dead-lettered. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops waiting between retries (remaining attempts fail fast) and waits for what is in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.settled();
  }

  /** One control-plane operation (`AWSEvents.<op>` of the JSON 1.1 protocol); null when it is not one of these. */
  handle(op: string, request: Json): Json | null {
    const name = String(request.Name ?? request.Rule ?? '');
    const bus = String(request.EventBusName ?? 'default');
    const ruleKey = `${bus}/${name}`;
    const notFound = (what: string) =>
      new EventBridgeError('ResourceNotFoundException', `${what} ${name} does not exist.`);
    switch (op) {
      case 'CreateConnection':
      case 'UpdateConnection': {
        const exists = this.connections.get(name);
        if (op === 'CreateConnection' && exists) {
          throw new EventBridgeError('ResourceAlreadyExistsException', `Connection ${name} already exists.`);
        }
        if (op === 'UpdateConnection' && !exists) throw notFound('Connection');
        const connection: Connection = {
          Name: name,
          ConnectionArn: this.arn('connection', `${name}/${randomUUID()}`),
          AuthorizationType: String(request.AuthorizationType ?? exists?.AuthorizationType),
          AuthParameters: (request.AuthParameters as Json) ?? exists?.AuthParameters ?? {},
        };
        if (exists) connection.ConnectionArn = exists.ConnectionArn;
        this.connections.set(name, connection);
        return { ConnectionArn: connection.ConnectionArn, ConnectionState: 'AUTHORIZED' };
      }
      case 'DescribeConnection': {
        const c = this.connections.get(name);
        if (!c) throw notFound('Connection');
        // Like EventBridge: the secret is never returned.
        return {
          Name: c.Name,
          ConnectionArn: c.ConnectionArn,
          AuthorizationType: c.AuthorizationType,
          ConnectionState: 'AUTHORIZED',
        };
      }
      case 'DeleteConnection':
        if (!this.connections.delete(name)) throw notFound('Connection');
        return {};
      case 'CreateApiDestination':
      case 'UpdateApiDestination': {
        const exists = this.destinations.get(name);
        if (op === 'CreateApiDestination' && exists) {
          throw new EventBridgeError('ResourceAlreadyExistsException', `Api destination ${name} already exists.`);
        }
        if (op === 'UpdateApiDestination' && !exists) throw notFound('Api destination');
        const connectionArn = String(request.ConnectionArn ?? exists?.ConnectionArn ?? '');
        if (![...this.connections.values()].some((c) => c.ConnectionArn === connectionArn)) {
          throw new EventBridgeError('ResourceNotFoundException', `Connection ${connectionArn} does not exist.`);
        }
        const destination: ApiDestination = {
          Name: name,
          ApiDestinationArn: exists?.ApiDestinationArn ?? this.arn('api-destination', `${name}/${randomUUID()}`),
          ConnectionArn: connectionArn,
          InvocationEndpoint: String(request.InvocationEndpoint ?? exists?.InvocationEndpoint),
          HttpMethod: String(request.HttpMethod ?? exists?.HttpMethod ?? 'POST'),
          InvocationRateLimitPerSecond: Number(
            request.InvocationRateLimitPerSecond ?? exists?.InvocationRateLimitPerSecond ?? 300,
          ),
          nextSlotMs: 0,
        };
        this.destinations.set(name, destination);
        return { ApiDestinationArn: destination.ApiDestinationArn, ApiDestinationState: 'ACTIVE' };
      }
      case 'DescribeApiDestination': {
        const d = this.destinations.get(name);
        if (!d) throw notFound('Api destination');
        const { nextSlotMs: _slot, ...view } = d;
        return { ...view, ApiDestinationState: 'ACTIVE' };
      }
      case 'DeleteApiDestination':
        if (!this.destinations.delete(name)) throw notFound('Api destination');
        return {};
      case 'PutRule': {
        const exists = this.rules.get(ruleKey);
        const rule: Rule = {
          Name: name,
          Arn: this.arn('rule', bus === 'default' ? name : `${bus}/${name}`),
          EventBusName: bus,
          EventPattern: JSON.parse(String(request.EventPattern ?? '{}')) as Json,
          State: String(request.State ?? 'ENABLED'),
          targets: exists?.targets ?? new Map(),
        };
        this.rules.set(ruleKey, rule);
        return { RuleArn: rule.Arn };
      }
      case 'DescribeRule': {
        const r = this.rules.get(ruleKey);
        if (!r) throw notFound('Rule');
        return {
          Name: r.Name,
          Arn: r.Arn,
          EventBusName: r.EventBusName,
          State: r.State,
          EventPattern: JSON.stringify(r.EventPattern),
        };
      }
      case 'DeleteRule': {
        const r = this.rules.get(ruleKey);
        if (!r) throw notFound('Rule');
        if (r.targets.size > 0)
          throw new EventBridgeError('ValidationException', "Rule can't be deleted since it has targets.");
        this.rules.delete(ruleKey);
        return {};
      }
      case 'PutTargets':
      case 'RemoveTargets':
      case 'ListTargetsByRule': {
        const r = this.rules.get(ruleKey);
        if (!r) throw notFound('Rule');
        if (op === 'ListTargetsByRule') return { Targets: [...r.targets.values()] };
        if (op === 'RemoveTargets') {
          for (const id of (request.Ids as string[]) ?? []) r.targets.delete(id);
          return { FailedEntryCount: 0, FailedEntries: [] };
        }
        for (const t of (request.Targets as Target[]) ?? []) r.targets.set(t.Id, t);
        return { FailedEntryCount: 0, FailedEntries: [] };
      }
      default:
        return null;
    }
  }

  /** An event put on a bus: every enabled matching rule's API destination targets invoked (in the background). */
  dispatch(busName: string, event: BusEvent): void {
    for (const rule of this.rules.values()) {
      if (rule.EventBusName !== busName || rule.State !== 'ENABLED' || !patternMatches(rule.EventPattern, event))
        continue;
      for (const target of rule.targets.values()) {
        const destination = [...this.destinations.values()].find((d) => d.ApiDestinationArn === target.Arn);
        if (!destination) continue;
        const job = this.invoke(rule, target, destination, event).finally(() => this.inFlight.delete(job));
        this.inFlight.add(job);
      }
    }
  }

  private async invoke(rule: Rule, target: Target, destination: ApiDestination, event: BusEvent) {
    const connection = [...this.connections.values()].find((c) => c.ConnectionArn === destination.ConnectionArn);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    const apiKey = connection?.AuthParameters.ApiKeyAuthParameters as
      | { ApiKeyName?: string; ApiKeyValue?: string }
      | undefined;
    if (connection?.AuthorizationType === 'API_KEY' && apiKey?.ApiKeyName)
      headers[apiKey.ApiKeyName] = apiKey.ApiKeyValue ?? '';
    const body = target.InputTransformer
      ? applyInputTransformer(target.InputTransformer, event)
      : JSON.stringify(event);
    const maxRetries = target.RetryPolicy?.MaximumRetryAttempts ?? 185;
    const deadline = Date.now() + (target.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400) * 1000;
    const base = this.options.retryBaseDelayMs ?? 1000;
    let error = '';
    let attempts = 0;
    for (let retry = 0; retry <= maxRetries; retry++) {
      if (retry > 0) {
        const wait = Math.min(this.options.retryMaxDelayMs ?? 60_000, base * 2 ** (retry - 1));
        if (Date.now() + wait > deadline) break;
        await this.sleep(wait);
      }
      await this.sleep(this.slot(destination));
      attempts++;
      let status: number | null = null;
      try {
        const response = await fetch(destination.InvocationEndpoint, { method: destination.HttpMethod, headers, body });
        status = response.status;
        await response.arrayBuffer();
      } catch (e) {
        error = (e as Error).message;
      }
      if (status !== null && status >= 200 && status < 300) {
        this.options.log?.(`event-bus: ${rule.Name} → ${destination.InvocationEndpoint} ${status}`);
        return;
      }
      if (status !== null) error = `HTTP ${status}`;
      if (!RETRYABLE(status)) break;
    }
    this.options.log?.(`event-bus: ${rule.Name} gave up after ${attempts} attempt(s): ${error}`);
    this.dead.push({
      ruleName: rule.Name,
      targetId: target.Id,
      deadLetterArn: target.DeadLetterConfig?.Arn ?? null,
      event,
      attempts,
      error,
    });
  }

  /** The rate limit: invocations of one destination spaced 1/rate seconds apart; returns the wait for this one. */
  private slot(destination: ApiDestination): number {
    const now = Date.now();
    const at = Math.max(now, destination.nextSlotMs);
    destination.nextSlotMs = at + 1000 / destination.InvocationRateLimitPerSecond;
    return at - now;
  }

  private sleep(ms: number) {
    return ms <= 0 || this.stopping ? Promise.resolve() : new Promise<void>((resolve) => setTimeout(resolve, ms));
  }
}
