/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The Engine talks to the central server directly (Connect over fetch); nothing to proxy.
  poweredByHeader: false,
  // tfjs ships prebuilt bundles; keep them out of server rendering.
  serverExternalPackages: ["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "@tensorflow/tfjs-backend-webgpu"],
};

export default nextConfig;
