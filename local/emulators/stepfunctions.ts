import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StateMachine } from 'aws-local-stepfunctions';
import type { UsageMeter } from '../usage-meter.ts';

// aws-local-stepfunctions uses Promise.withResolvers (Node 22); Node 20 needs this small polyfill.
if (!('withResolvers' in Promise)) {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (value: T) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

type TaskHandler = (input: never) => Promise<unknown>;

/**
 * CDK fills `${XFunctionArn}` placeholders with the deployed functions' ARNs; locally each becomes a
 * well-formed Lambda ARN (the task runs the local handler of its state name, whatever the ARN says).
 */
function substitute(definition: string): string {
  return definition.replace(
    /\$\{(\w+)\}/g,
    (_, name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
  );
}

function definitionText(definition: string | object): string {
  return typeof definition === 'string' ? readFileSync(definition, 'utf8') : JSON.stringify(definition);
}

export interface LocalStateMachine {
  /** ARN the functions are configured with (`STATE_MACHINE_ARN`). */
  arn: string;
  /**
   * The definition CDK deploys: a path of an ASL file deployed as written, or the deployed document itself when CDK
   * transforms the file (the fan-out's Distributed Map, `deployedFanoutDefinition` in cdk/asl.ts).
   */
  definition: string | object;
  /** Local task handlers keyed by state name (the production step functions). */
  handlers: Record<string, TaskHandler>;
}

interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  abort: () => void;
}

/**
 * A local stand-in for the Step Functions API (AWS JSON 1.0: StartExecution, DescribeExecution,
 * StopExecution, ListExecutions) that runs the real ASL files with aws-local-stepfunctions, calling the
 * production step functions by state name. The SDK's SFNClient talks to it like to AWS.
 */
export function createStepFunctionsEmulator(
  machines: LocalStateMachine[],
  log: (line: string) => void = () => {},
  meter?: UsageMeter,
) {
  const byArn = new Map(
    machines.map((m) => [
      m.arn,
      {
        machine: new StateMachine(JSON.parse(substitute(definitionText(m.definition))), {
          validationOptions: { checkArn: false },
        }),
        handlers: Object.fromEntries(
          Object.entries(m.handlers).map(([state, handler]) => [
            state,
            async (input: never) => {
              inFlight++;
              const started = performance.now();
              try {
                return await handler(input);
              } finally {
                inFlight--;
                meter?.lambda(state, performance.now() - started);
              }
            },
          ]),
        ),
      },
    ]),
  );
  const executions = new Map<string, Execution>();
  /** Task handlers still running: an aborted execution does not cancel them, so shutdown waits for them. */
  let inFlight = 0;

  const fail = (res: ServerResponse, type: string, message: string, status = 400) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: type, message }));
  };
  const ok = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(body));
  };

  const start = (stateMachineArn: string, name: string, input: string) => {
    const target = byArn.get(stateMachineArn);
    if (!target) return null;
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const parsedInput = JSON.parse(input || '{}');
    const run = target.machine.run(parsedInput, {
      overrides: { taskResourceLocalHandlers: target.handlers as never },
    });
    const execution: Execution = {
      executionArn,
      stateMachineArn,
      name,
      status: 'RUNNING',
      input,
      startDate: Date.now(),
      abort: run.abort,
    };
    executions.set(executionArn, execution);
    if (meter)
      (async () => {
        for await (const event of run.eventLogs) meter.workflowEvent(stateMachineArn, event);
      })().catch((error: Error) => log(`execution ${name} event log: ${error.message}`));
    run.result.then(
      (output) => {
        execution.status = execution.status === 'ABORTED' ? 'ABORTED' : 'SUCCEEDED';
        execution.output = JSON.stringify(output);
        execution.stopDate = Date.now();
      },
      (error: Error & { cause?: unknown }) => {
        if (execution.status !== 'ABORTED') execution.status = 'FAILED';
        execution.error = error.name;
        execution.cause = error.message;
        execution.stopDate = Date.now();
        log(`execution ${name} failed: ${error.name}: ${error.message}`);
      },
    );
    return execution;
  };

  const describe = (e: Execution) => ({
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    input: e.input,
    ...(e.output ? { output: e.output } : {}),
    ...(e.error ? { error: e.error, cause: e.cause } : {}),
    startDate: e.startDate / 1000,
    ...(e.stopDate ? { stopDate: e.stopDate / 1000 } : {}),
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Record<string, string>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return fail(res, 'SerializationException', 'Request body is not JSON');
    }
    const operation = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
    switch (operation) {
      case 'StartExecution': {
        const arn = body.stateMachineArn ?? '';
        const name = body.name ?? `exec-${Date.now()}`;
        const existing = [...executions.values()].find((e) => e.stateMachineArn === arn && e.name === name);
        if (existing) {
          // Same name and input: idempotent, as in AWS; otherwise the name is taken.
          if (existing.input === (body.input ?? '{}'))
            return ok(res, { executionArn: existing.executionArn, startDate: existing.startDate / 1000 });
          return fail(res, 'ExecutionAlreadyExists', `Execution ${name} already exists`);
        }
        const execution = start(arn, name, body.input ?? '{}');
        if (!execution) return fail(res, 'StateMachineDoesNotExist', `State machine ${arn} does not exist`);
        return ok(res, { executionArn: execution.executionArn, startDate: execution.startDate / 1000 });
      }
      case 'DescribeExecution': {
        const execution = executions.get(body.executionArn ?? '');
        if (!execution) return fail(res, 'ExecutionDoesNotExist', 'Execution does not exist');
        return ok(res, describe(execution));
      }
      case 'StopExecution': {
        const execution = executions.get(body.executionArn ?? '');
        if (!execution) return fail(res, 'ExecutionDoesNotExist', 'Execution does not exist');
        if (execution.status === 'RUNNING') {
          execution.status = 'ABORTED';
          execution.abort();
          execution.stopDate = Date.now();
        }
        return ok(res, { stopDate: (execution.stopDate ?? Date.now()) / 1000 });
      }
      case 'ListExecutions': {
        const list = [...executions.values()].filter((e) => e.stateMachineArn === body.stateMachineArn);
        return ok(res, { executions: list.map(describe) });
      }
      default:
        return fail(res, 'UnknownOperationException', `Unsupported operation ${operation || '(none)'}`);
    }
  };

  return {
    handle: (req: IncomingMessage, res: ServerResponse) => {
      handle(req, res).catch((error: Error) => fail(res, 'InternalFailure', error.message, 500));
    },
    /** Executions still running (for a clean shutdown). */
    running: () => [...executions.values()].filter((e) => e.status === 'RUNNING').length,
    /** Waits until no task handler is running (or the timeout passes), e.g. before the emulators stop. */
    drain: async (timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      return inFlight;
    },
    abortAll: () => {
      for (const e of executions.values()) if (e.status === 'RUNNING') e.abort();
    },
  };
}
