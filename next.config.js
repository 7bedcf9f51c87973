// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and worker-thread packages must stay outside the server bundle.
  serverExternalPackages: ['libsql', 'pino', 'pino-pretty'],
  // Keep `next dev` from writing agent files into the repo.
  agentRules: false,
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
