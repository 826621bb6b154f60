import { JobList } from "../../components/dashboard/job-list";

export default function JobsPage() {
  return (
    <>
      <h1>Jobs</h1>
      <p className="lead">Everything submitted to the network, newest first.</p>
      <section className="card">
        <JobList />
      </section>
    </>
  );
}
