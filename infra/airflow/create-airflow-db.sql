-- The compose stack keeps Airflow's metadata beside log-sentinel's tables, in its own database.
CREATE DATABASE airflow OWNER sentinel;
