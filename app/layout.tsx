import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { ServerUrlProvider } from "../components/api/server-url";
import { NavLinks } from "../components/ui/nav-links";
import { NetworkStatus } from "../components/ui/network-status";
import "./globals.css";

export const metadata: Metadata = {
  title: "CyxWiz Engine",
  description: "Design neural networks, train them on a volunteer network of browsers and GPUs.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Read at request time, so that one build serves any deployment.
  await connection();
  return (
    <html lang="en">
      <body>
        <ServerUrlProvider url={process.env.CYXWIZ_PUBLIC_SERVER_URL}>
          <a className="skip-link" href="#main">
            Skip to content
          </a>
          <header className="topbar">
            <a className="brand" href="/">
              Cyx<span>Wiz</span>
            </a>
            <NavLinks />
            <NetworkStatus />
          </header>
          <main id="main">{children}</main>
        </ServerUrlProvider>
      </body>
    </html>
  );
}
