import { JobDashboard } from "../../../components/dashboard/job-dashboard";

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <JobDashboard jobId={id} />;
}
