import { existsSync } from 'node:fs';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledgeGeneratedWildcardResources } from '../nag.ts';
import { projectPath } from '../paths.ts';

/** The built SPA (`npm run build:web`); deployed with the stack when present at synthesis. */
export const WEB_DIST = 'web/dist';

/** What `/config.json` tells the SPA (`ClientConfigSchema` in shared/contracts/client-config.ts). */
export interface SpaClientConfig {
  readonly apiBaseUrl: string;
  readonly websocketUrl: string;
  readonly auth: { authority: string; clientId: string; scope: string; logoutUrl: string };
  readonly environment: 'aws';
}

export interface WebHostingProps {
  /** Written to `/config.json` next to the SPA on every deploy. */
  readonly clientConfig: SpaClientConfig;
  /** Origins the SPA talks to besides its own (API, WebSocket, Cognito), for the Content-Security-Policy. */
  readonly connectOrigins: string[];
  /** Origins the SPA navigates to for sign-in (the hosted UI), for `form-action`. */
  readonly signInOrigins: string[];
  /** Retention of the deployment handler's logs. */
  readonly logRetention: logs.RetentionDays;
  /** DESTROY for dev: the buckets go with the stack once emptied. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Deploy `web/dist` with the stack. @default true when `web/dist/index.html` exists at synthesis (otherwise only
   * `/config.json` is written and the SPA is uploaded separately, docs/deploy.md)
   */
  readonly deployAssets?: boolean;
  /**
   * The custom domain the SPA is served from (context `domainName`, `certificateArn`): CloudFront's alternate domain
   * name with an ACM certificate of us-east-1, TLS 1.2 (2021 policy) at least. Point the domain's DNS at the
   * distribution (`WebDistributionDomainName` output). @default - the distribution's *.cloudfront.net name
   */
  readonly customDomain?: { domainName: string; certificateArn: string };
}

/**
 * Rewrites an extension-less path (`/runs/123`, a client-side route) to `/index.html`, so deep links and reloads
 * reach the SPA; requests for files (`/assets/x.js`, `/config.json`) pass unchanged. A viewer-request function
 * rather than 403/404 error responses: those would also turn a missing asset or a real S3 error into index.html.
 */
const SPA_ROUTING_FUNCTION = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/** Origins without path, for CSP source lists (`https://x.execute-api...amazonaws.com/` -> scheme://host). */
function cspSources(urls: string[]): string {
  return urls.join(' ');
}

/**
 * Hosting of the React SPA: a private S3 bucket read by CloudFront only (origin access control), HTTPS only,
 * HTTP/2 and HTTP/3, security headers on every response (HSTS, CSP limited to the API, WebSocket and Cognito
 * origins, frame-ancestors none, nosniff, strict referrer policy, permissions policy), SPA routing by a CloudFront
 * function, access logs for both the bucket and the distribution, and `/config.json` generated from the stack's
 * outputs so the same SPA build runs in every stage.
 */
export class WebHosting extends Construct {
  readonly bucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  readonly routingFunction: cloudfront.Function;
  /** The custom domain the SPA is served from, when one is configured. */
  readonly customDomainName?: string;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // CloudFront standard logs are written with ACLs, so this bucket allows them (owner preferred); nothing public.
    this.logsBucket = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy,
      lifecycleRules: [{ id: 'expire-edge-logs', expiration: Duration.days(365) }],
    });
    Validations.of(this.logsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is the access-log destination of the SPA bucket and the CloudFront distribution; logging it ' +
        'to itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Site', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'site/',
      versioned: true,
      lifecycleRules: [{ id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy,
    });

    const connect = cspSources(['self', ...props.connectOrigins].map((o) => (o === 'self' ? "'self'" : o)));
    const formAction = cspSources(["'self'", ...props.signInOrigins]);
    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'PromptPulse SPA security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          override: true,
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            // Charts set inline style attributes.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            `connect-src ${connect}`,
            `form-action ${formAction}`,
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "object-src 'none'",
          ].join('; '),
        },
        strictTransportSecurity: {
          override: true,
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { override: true, frameOption: cloudfront.HeadersFrameOption.DENY },
        referrerPolicy: {
          override: true,
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'Permissions-Policy',
            value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
            override: true,
          },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    this.routingFunction = new cloudfront.Function(this, 'SpaRouting', {
      comment: 'PromptPulse SPA routing: client-side routes to /index.html',
      code: cloudfront.FunctionCode.fromInline(SPA_ROUTING_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });

    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    if (props.customDomain) this.customDomainName = props.customDomain.domainName;
    const customDomain = props.customDomain
      ? {
          domainNames: [props.customDomain.domainName],
          certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
          minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        }
      : {};
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'PromptPulse web app',
      ...customDomain,
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        compress: true,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        functionAssociations: [
          { function: this.routingFunction, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: {
        // Where the SPA learns its endpoints: never cached, so a redeploy takes effect at once.
        '/config.json': {
          origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          responseHeadersPolicy: this.responseHeadersPolicy,
        },
      },
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'The SPA serves customers worldwide; no country is excluded by policy.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'The distribution serves static files only (no origin compute to protect; the API has its own throttling). ' +
        'A WAF web ACL for CloudFront must live in us-east-1 and is attached per account when needed (docs/deploy.md).',
    });
    if (!props.customDomain) {
      // Only without a custom domain: with one, the distribution pins TLSv1.2_2021 and the rule passes on its own.
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'No custom domain configured (context domainName/certificateArn): the default *.cloudfront.net ' +
          'certificate cannot pin a minimum TLS version. Production sets a domain (docs/deploy.md, custom domain).',
      });
    }

    // The deployment handler gets its own role (no AWS managed policy) and a log group with this stage's retention.
    const deployLogs = new logs.LogGroup(this, 'DeployLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const deployRole = new iam.Role(this, 'DeployRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the built SPA and config.json into the site bucket during deployments',
    });
    deployRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [deployLogs.logGroupArn],
      }),
    );
    const deployAssets = props.deployAssets ?? existsSync(projectPath(`${WEB_DIST}/index.html`));
    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        ...(deployAssets ? [s3deploy.Source.asset(projectPath(WEB_DIST))] : []),
        s3deploy.Source.jsonData('config.json', props.clientConfig),
      ],
      // Without the built SPA only config.json is written: keep whatever was uploaded before.
      prune: deployAssets,
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      memoryLimit: 512,
      role: deployRole,
      logGroup: deployLogs,
    });
    deployment.node.addDependency(deployRole);
    acknowledgeBucketDeployment(this, deployRole);
  }

  /** `https://<id>.cloudfront.net`: add it to `webOrigins` (CORS, sign-in redirects) once known. */
  get url(): string {
    return `https://${this.customDomainName ?? this.distribution.distributionDomainName}`;
  }
}

/**
 * The BucketDeployment handler is a CDK-provided singleton function at stack level (runtime and grants chosen by
 * aws-cdk-lib); it runs with our deploy role, and its findings are acknowledged where they land.
 */
function acknowledgeBucketDeployment(scope: Construct, deployRole: iam.Role): void {
  const handler = Stack.of(scope).node.children.find((child) =>
    child.node.id.startsWith('Custom::CDKBucketDeployment'),
  );
  if (handler) {
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The BucketDeployment handler runtime is chosen by aws-cdk-lib and moves with its upgrades.',
    });
  }
  const policy = deployRole.node.tryFindChild('DefaultPolicy');
  if (!(policy instanceof iam.Policy)) return;
  const actions: [string, string][] = [
    ['s3:GetObject*', 'reads the CDK asset objects (the built SPA) from the bootstrap assets bucket'],
    ['s3:GetBucket*', 'reads the location/versioning of the asset and SPA buckets'],
    ['s3:List*', 'lists the asset and SPA buckets to sync and prune'],
    ['s3:DeleteObject*', 'prunes files of the previous SPA build from the SPA bucket'],
    ['s3:Abort*', 'aborts its own failed multipart uploads into the SPA bucket'],
  ];
  for (const [action, why] of actions) {
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `BucketDeployment (aws-cdk-lib grant, action wildcard as generated) ${why}; deploy time only.`,
    });
  }
  acknowledgeGeneratedWildcardResources(
    policy,
    'BucketDeployment (aws-cdk-lib) reads the CDK asset objects from the bootstrap assets bucket, writes the SPA ' +
      'files into its own bucket and creates CloudFront invalidations (no resource-level scoping); object names are ' +
      'only known at deploy time, and no other bucket is named.',
  );
}
