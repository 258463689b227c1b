import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { NodeFunction } from '../../../cdk/constructs/node-function.ts';
import type { PromptPulseApp } from '../../../cdk/promptpulse.ts';
import { buildTestApp } from '../../infra/support.ts';

/**
 * Keeps the architecture docs, the decision records, the runbook and the delivery workflows honest: each check reads
 * the code (construct classes, the synthesized app, package.json, cdk/context.ts) and fails when a doc no longer
 * matches it.
 */

const ROOT = resolve(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const CONTAINERS = 'docs/architecture/diagrams/containers.md';
const CONTEXT = 'docs/architecture/diagrams/context.md';
const RUNBOOK = 'docs/runbook.md';
const ADR_DIR = 'docs/adr';

/** GitHub's heading anchor: lower case, formatting and punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function headings(markdown: string): string[] {
  return [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((match) => match[1] as string);
}

/** The text of a section, from its heading to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^#+ /.test(line) && line.replace(/^#+ /, '') === heading);
  if (start < 0) throw new Error(`no section "${heading}"`);
  const level = (lines[start]?.match(/^#+/)?.[0] ?? '#').length;
  const end = lines.findIndex(
    (line, index) => index > start && /^#+ /.test(line) && (line.match(/^#+/)?.[0] ?? '').length <= level,
  );
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** Markdown table rows of a section (header and separator excluded), as cells. */
function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line))
    .slice(1)
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

function relativePath(construct: IConstruct, stack: Stack): string {
  return construct.node.path.slice(stack.node.path.length + 1);
}

describe('C4 diagrams (docs/architecture/diagrams)', () => {
  const containers = read(CONTAINERS);
  const constructFiles = readdirSync(join(ROOT, 'cdk/constructs')).filter((file) => file.endsWith('.ts'));
  const constructClasses = constructFiles.flatMap((file) =>
    [...read(`cdk/constructs/${file}`).matchAll(/^export class (\w+)/gm)].map((match) => ({
      name: match[1] as string,
      file,
    })),
  );

  it('finds the construct classes to check (the regex still matches the code)', () => {
    expect(constructClasses.length).toBeGreaterThanOrEqual(20);
  });

  it('names every construct class exported from cdk/constructs/*.ts in the container diagram and inventory', () => {
    const inventory = tableRows(section(containers, 'Container inventory'));
    for (const { name, file } of constructClasses) {
      expect(containers, `${name} (${file})`).toContain(`\`${name}\``);
      const row = inventory.find((cells) => cells[0]?.startsWith(`\`${name}\``));
      expect(row, `inventory row of ${name}`).toBeDefined();
      expect(row?.[0], `file of ${name}`).toContain(`(\`${file}\`)`);
    }
  });

  it('lists no construct in the inventory that the code does not export (no stale boxes)', () => {
    const known = new Set(constructClasses.map((c) => c.name));
    for (const [first] of tableRows(section(containers, 'Container inventory'))) {
      const name = first?.match(/^`(\w+)`/)?.[1];
      expect(name && known.has(name), `inventory row "${first}"`).toBe(true);
    }
  });

  it('uses Mermaid C4 for the context and flowcharts for the containers', () => {
    const context = read(CONTEXT);
    expect(context).toMatch(/```mermaid\nC4Context\n/);
    for (const kind of ['Person(', 'System(', 'System_Ext(', 'Rel(']) expect(context).toContain(kind);
    const diagrams = [...containers.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((match) => match[1] as string);
    expect(diagrams.length).toBeGreaterThanOrEqual(3);
    for (const diagram of diagrams) {
      expect(diagram.startsWith('flowchart ')).toBe(true);
      // Node ids used in links must be declared in the same diagram (a typo would silently add an empty box).
      const declared = new Set([...diagram.matchAll(/^\s*(\w+)(?:\[|\(|\{)/gm)].map((match) => match[1]));
      for (const id of ['subgraph', 'end']) declared.delete(id);
      const linked = [...diagram.matchAll(/^\s*([\w &]+?)\s*(?:-->|-\.->|-\.-)/gm)].flatMap((match) =>
        (match[1] as string).split('&').map((part) => part.trim()),
      );
      const targets = [...diagram.matchAll(/(?:-->|-\.->|-\.-)(?:\|"[^"]*"\|)?\s*(\w+)\s*$/gm)].map(
        (match) => match[1],
      );
      for (const id of [...linked, ...targets]) expect(declared.has(id), `node "${id}" is declared`).toBe(true);
    }
  });

  describe('against the synthesized app', () => {
    let built: PromptPulseApp;
    beforeAll(() => {
      built = buildTestApp({ stage: 'prod' });
    });

    it('lists every Lambda function with its construct path and entry in the functions table', () => {
      const rows = tableRows(section(containers, 'Functions'));
      for (const stack of [built.stateful, built.stateless]) {
        for (const fn of stack.node.findAll().filter((c): c is NodeFunction => c instanceof NodeFunction)) {
          const path = relativePath(fn, stack);
          const row = rows.find((cells) => cells[0] === `\`${path}\``);
          expect(row, `functions table row of ${path}`).toBeDefined();
          expect(row?.[2], `entry of ${path}`).toBe(`\`${fn.entry}\``);
          expect(row?.[4], `service name of ${path}`).toBe(`\`${fn.serviceName}\``);
        }
      }
      const count = [built.stateful, built.stateless].flatMap((stack) =>
        stack.node.findAll().filter((c) => c instanceof NodeFunction),
      ).length;
      expect(rows.length, 'no rows for functions that no longer exist').toBe(count);
    });

    it('names every handler entry file that the CDK deploys, and only existing ones', () => {
      const entries = [...containers.matchAll(/`(functions\/handlers\/[\w/.-]+\.ts)`/g)].map((match) => match[1]);
      for (const entry of new Set(entries)) expect(existsSync(join(ROOT, entry as string)), entry).toBe(true);
    });
  });
});

describe('architecture decision records (docs/adr)', () => {
  const index = read(`${ADR_DIR}/README.md`);
  const listed = [...new Set([...index.matchAll(/\]\((\d{4}-[\w-]+\.md)\)/g)].map((match) => match[1] as string))];
  const files = readdirSync(join(ROOT, ADR_DIR)).filter((file) => /^\d{4}-.+\.md$/.test(file));

  it('has between 8 and 12 records, numbered 0001 upwards without gaps', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    expect(files.length).toBeLessThanOrEqual(12);
    expect(files.map((file) => Number(file.slice(0, 4))).sort((a, b) => a - b)).toEqual(files.map((_, i) => i + 1));
  });

  it('lists every record in the index, and every listed record exists', () => {
    expect(listed.sort()).toEqual([...files].sort());
    for (const file of listed) expect(existsSync(join(ROOT, ADR_DIR, file)), file).toBe(true);
  });

  it.each(files)(
    '%s has a numbered title, a status and the context/decision/consequences/alternatives sections',
    (file) => {
      const adr = read(`${ADR_DIR}/${file}`);
      expect(adr.split('\n')[0]).toMatch(new RegExp(`^# ${file.slice(0, 4)}\\. \\S`));
      const found = headings(adr);
      for (const required of ['Status', 'Context', 'Decision', 'Consequences', 'Alternatives considered']) {
        expect(found, `${file}: ## ${required}`).toContain(required);
      }
      expect(section(adr, 'Status').split('\n')[2]).toMatch(/^(Proposed|Accepted|Deprecated|Superseded)\b/);
      // A record names the code it is about.
      expect(adr).toMatch(/`(cdk|functions|shared|local|state-machines|web)\/[\w/.-]+`/);
    },
  );
});

describe('runbook: a response for every alarm', () => {
  const runbook = read(RUNBOOK);
  const anchors = new Set(headings(runbook).map(slug));
  const index = tableRows(section(runbook, 'Alarm index')).map((cells) => {
    const pattern = cells[0]?.match(/^`([^`]+)`$/)?.[1];
    if (!pattern) throw new Error(`alarm index row without a backticked alarm: ${cells.join(' | ')}`);
    const regex = new RegExp(
      `^${pattern
        .split(/<[^>]+>/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[A-Za-z0-9]+')}$`,
    );
    const anchor = cells[3]?.match(/\(#([\w-]+)\)/)?.[1];
    return { pattern, regex, anchor };
  });

  it('links every alarm index row to a section of the runbook', () => {
    expect(index.length).toBeGreaterThan(5);
    for (const row of index) expect(anchors.has(row.anchor ?? ''), `${row.pattern} -> #${row.anchor}`).toBe(true);
  });

  it('has the sections the alarm descriptions in cdk/constructs link to', () => {
    const linked = readdirSync(join(ROOT, 'cdk/constructs'))
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => [...read(`cdk/constructs/${file}`).matchAll(/docs\/runbook\.md#([a-z0-9-]+)/g)])
      .map((match) => match[1] as string);
    expect(linked.length).toBeGreaterThan(5);
    for (const anchor of linked) expect(anchors.has(anchor), `#${anchor}`).toBe(true);
  });

  it('covers every alarm id written in cdk/constructs/operations.ts', () => {
    const ids = [...read('cdk/constructs/operations.ts').matchAll(/this\.alarm\(\s*(['`])(.+?)\1/g)].map(
      (match) => match[2] as string,
    );
    expect(ids.length).toBeGreaterThanOrEqual(7);
    for (const id of ids) {
      // `${name}ErrorsAlarm` is one alarm per discovered resource: the index writes it `Operations/<function>ErrorsAlarm`.
      const literal = id.replace(/\$\{[^}]+\}/g, '');
      expect(
        index.some((row) => row.pattern.startsWith('Operations/') && row.pattern.endsWith(literal)),
        id,
      ).toBe(true);
    }
  });

  describe('against the synthesized app (prod, with the Snowflake feed)', () => {
    let built: PromptPulseApp;
    let alarms: { stack: Stack; path: string }[];
    beforeAll(() => {
      built = buildTestApp({ stage: 'prod', snowflakeAccountUrl: 'https://example.snowflakecomputing.com' });
      // Operations discovers functions, state machines and queues when the app is synthesized.
      built.app.synth();
      alarms = [built.stateful, built.stateless].flatMap((stack) =>
        stack.node
          .findAll()
          .filter((c) => c instanceof cloudwatch.Alarm)
          .map((alarm) => ({ stack, path: relativePath(alarm, stack) })),
      );
    });

    it('matches every alarm of the app to a row of the alarm index', () => {
      expect(alarms.length).toBeGreaterThan(30);
      for (const { path } of alarms) {
        expect(
          index.some((row) => row.regex.test(path)),
          `${path} has no row in the runbook's alarm index`,
        ).toBe(true);
      }
    });

    it("ends every alarm's description with a runbook section that exists (docs/runbook.md#anchor)", () => {
      const described = [built.stateful, built.stateless].flatMap((stack) =>
        stack.node
          .findAll()
          .filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm)
          .map((alarm) => ({
            path: relativePath(alarm, stack),
            description: String(stack.resolve((alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmDescription)),
          })),
      );
      expect(described.length).toBe(alarms.length);
      for (const { path, description } of described) {
        const anchor = description.match(/Runbook: docs\/runbook\.md#([a-z0-9-]+)$/)?.[1];
        expect(anchor, `${path}: "${description}"`).toBeDefined();
        expect(anchors.has(anchor ?? ''), `${path} -> #${anchor}`).toBe(true);
      }
    });

    it('says what to do for each function, each state machine and each dead-letter queue by name', () => {
      const functionErrors = section(runbook, 'Function errors');
      for (const fn of built.stateless.node.findAll().filter((c) => c instanceof NodeFunction)) {
        expect(functionErrors, relativePath(fn, built.stateless)).toContain(`\`${relativePath(fn, built.stateless)}\``);
      }
      const machineFailures = section(runbook, 'State machine failures');
      for (const { path } of alarms.filter((a) => a.path.endsWith('FailuresAlarm'))) {
        expect(machineFailures, path).toContain(`\`${path}\``);
      }
      const deadLetters = section(runbook, 'Dead letters');
      const queues = [built.stateful, built.stateless].flatMap((stack) =>
        stack.node
          .findAll()
          .filter((c) => c instanceof sqs.Queue)
          .map((queue) => relativePath(queue, stack)),
      );
      expect(queues.length).toBeGreaterThanOrEqual(4);
      for (const queue of queues) expect(deadLetters, queue).toContain(`\`${queue}\``);
    });
  });
});

describe('links in the architecture, decision, runbook and deploy docs', () => {
  const docs = [
    CONTAINERS,
    CONTEXT,
    RUNBOOK,
    'docs/deploy.md',
    'docs/architecture.md',
    ...readdirSync(join(ROOT, ADR_DIR)).map((file) => `${ADR_DIR}/${file}`),
  ];

  it.each(docs)('%s links only to files and headings that exist', (doc) => {
    const text = read(doc).replace(/```[\s\S]*?```/g, '');
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1] as string;
      if (/^(https?:|mailto:)/.test(target)) continue;
      const [file = '', anchor] = target.split('#');
      const path = file === '' ? doc : relative(ROOT, resolve(ROOT, dirname(doc), file));
      expect(existsSync(join(ROOT, path)), `${doc} -> ${target}`).toBe(true);
      if (anchor && path.endsWith('.md')) {
        expect(headings(read(path)).map(slug), `${doc} -> ${target}`).toContain(anchor);
      }
    }
  });
});

describe('delivery workflows (.github)', () => {
  type Step = { run?: string; uses?: string; with?: Record<string, unknown> };
  type Job = {
    steps?: Step[];
    needs?: string | string[];
    environment?: string | { name: string };
    permissions?: Record<string, string>;
  };
  const load = (path: string) => parseYaml(read(path)) as Record<string, unknown>;
  const ci = load('.github/workflows/ci.yml') as { on: Record<string, unknown>; jobs: Record<string, Job> };
  const deploy = load('.github/workflows/deploy.yml') as { on: Record<string, unknown>; jobs: Record<string, Job> };
  const setup = load('.github/actions/setup/action.yml') as { runs: { steps: Step[] } };
  const allSteps = [
    ...Object.values(ci.jobs).flatMap((job) => job.steps ?? []),
    ...Object.values(deploy.jobs).flatMap((job) => job.steps ?? []),
    ...setup.runs.steps,
  ];
  const runs = (jobs: Record<string, Job>) =>
    Object.values(jobs)
      .flatMap((job) => job.steps ?? [])
      .map((step) => step.run ?? '')
      .join('\n');
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

  it('calls only npm scripts that exist in package.json and files that exist', () => {
    const all = allSteps.map((step) => step.run ?? '').join('\n');
    const called = [...all.matchAll(/npm run (?:-s )?([\w:.-]+)/g)].map((match) => match[1] as string);
    expect(called.length).toBeGreaterThan(5);
    for (const script of called) expect(scripts[script], `npm run ${script}`).toBeDefined();
    for (const [, file] of all.matchAll(/npx tsx (\S+)/g))
      expect(existsSync(join(ROOT, file as string)), file).toBe(true);
  });

  it('runs everything `npm test` runs, plus synthesis (cdk-nag) and the bundle budget', () => {
    const ciRuns = runs(ci.jobs);
    const testScripts = [...(scripts.test ?? '').matchAll(/npm run ([\w:.-]+)/g)].map((match) => match[1] as string);
    expect(testScripts.length).toBeGreaterThanOrEqual(6);
    for (const script of testScripts) expect(ciRuns, `npm run ${script}`).toContain(`npm run ${script}`);
    expect(ciRuns).toMatch(/npm run synth -- -c stage=dev/);
    expect(ciRuns).toMatch(/npm run synth -- -c stage=prod/);
    expect(ciRuns).toContain('bench/cold-start.bench.ts');
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['pull_request', 'push']));
    expect((ci.on.push as { branches: string[] }).branches).toContain('main');
  });

  it('pins every action to a major version, and local actions exist', () => {
    for (const uses of allSteps.map((step) => step.uses).filter((u): u is string => Boolean(u))) {
      if (uses.startsWith('./')) expect(existsSync(join(ROOT, uses, 'action.yml')), uses).toBe(true);
      else expect(uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
    }
  });

  it('synthesizes each stage once with context keys cdk/context.ts reads, and deploys those assemblies', () => {
    const contextSource = read('cdk/context.ts');
    const known = new Set(
      [...contextSource.matchAll(/(?:readString|readList|readNumber|readBoolean|identifier)\((?:node, )?'(\w+)'/g)].map(
        (match) => match[1],
      ),
    );
    expect(known).toContain('stage');
    const deployRuns = runs(deploy.jobs);
    const keys = [...deployRuns.matchAll(/-c "?(\w+)=/g)].map((match) => match[1]);
    expect(keys.length).toBeGreaterThan(4);
    for (const key of keys) expect(known.has(key), `-c ${key}`).toBe(true);
    for (const stage of ['dev', 'prod']) {
      expect(deployRuns).toMatch(new RegExp(`cdk synth [^\\n]*--output cdk\\.out/${stage}\\s+-c stage=${stage}`));
      expect(deployRuns).toContain(`cdk deploy --app cdk.out/${stage} --all --require-approval never`);
    }
    expect(runs({ assemble: deploy.jobs.assemble as Job })).not.toContain('cdk deploy');
  });

  it('promotes dev to prod through the production environment with OIDC roles from repository variables', () => {
    const dev = deploy.jobs['deploy-dev'] as Job;
    const prod = deploy.jobs['deploy-prod'] as Job;
    const environmentOf = (job: Job) => (typeof job.environment === 'string' ? job.environment : job.environment?.name);
    expect(environmentOf(prod)).toBe('production');
    expect([prod.needs].flat()).toEqual(expect.arrayContaining(['assemble', 'deploy-dev']));
    for (const [name, job] of [
      ['deploy-dev', dev],
      ['deploy-prod', prod],
    ] as const) {
      expect(job.permissions?.['id-token'], name).toBe('write');
      const credentials = job.steps?.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      expect(String(credentials?.with?.['role-to-assume']), name).toMatch(/^\$\{\{ vars\.\w+ \}\}$/);
      // Deploy jobs never synthesize: they deploy the artifact of the assemble job.
      expect(runs({ [name]: job }), name).not.toMatch(/cdk synth/);
      expect(
        job.steps?.some((step) => step.uses?.startsWith('actions/download-artifact@')),
        name,
      ).toBe(true);
    }
    expect(Object.keys(deploy.on)).toEqual(expect.arrayContaining(['workflow_run', 'workflow_dispatch']));
  });
});
