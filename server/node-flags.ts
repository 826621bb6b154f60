/**
 * V8 flags the server process runs with (npm run server, npm start, the test and benchmark
 * helpers; package.json's "server" script repeats them). A server busy with thousands of calls a
 * second allocates short-lived objects fast: a 64 MB young generation (16 MB by default) collects
 * them with fewer scavenges and promotes fewer into the old generation, whose collections grow
 * with the live heap of every connected node. At 10,000 simulated nodes it took heartbeat p99
 * from 158 to 111 ms and doubled assignments under load (bench/results/scheduler.json).
 */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=64"];
