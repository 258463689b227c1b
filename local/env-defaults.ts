// Imported first by local entry points: quiets the AWS SDK's Node 20 end-of-support notice (the SDK still
// supports Node 20 today; the notice would otherwise print on every client construction).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// No CloudWatch agent reads stdout locally: business metrics are counted in process and shown by GET /ops/status
// instead of printed as EMF lines (functions/observability/metrics.ts).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
