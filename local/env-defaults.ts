// Imported first by local entry points: quiets the AWS SDK's Node 20 end-of-support notice (the SDK still
// supports Node 20 today; the notice would otherwise print on every client construction).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
