import { Suspense } from "react";
import { WorkerConsole } from "../../components/worker/worker-console";

export default function WorkerPage() {
  return (
    <Suspense>
      <WorkerConsole />
    </Suspense>
  );
}
