import { SubmitJobForm } from "../components/engine/submit-job-form";

export default function HomePage() {
  return (
    <>
      <h1>Train a model</h1>
      <p className="lead">Choose an architecture, set how it trains, and send it to the CyxWiz network of volunteer browsers and GPU workers.</p>
      <SubmitJobForm />
    </>
  );
}
