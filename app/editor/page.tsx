import type { Metadata } from "next";
import { Suspense } from "react";
import { EditorWorkspace } from "../../components/workspace/editor-workspace";

export const metadata: Metadata = { title: "Model editor · CyxWiz" };

export default function EditorPage() {
  return (
    <Suspense>
      <EditorWorkspace />
    </Suspense>
  );
}
