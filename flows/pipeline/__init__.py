"""The pipeline: the one recipe (`recipe`) of plain stages (`stages`), atomic publication (`publish`), and
Prefect at the edge: the flow (`flow`) and the scheduled deployments (`deploy`). `flow` and `deploy` are the
only modules of the project that import Prefect; importing this package does not."""
