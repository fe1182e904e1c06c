package dev.sendout.activities;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The activities wired as the worker wires them ({@link ActivitiesConfiguration}, found by the
 * scan, imports the domain), for tests against real Postgres and a fake provider.
 */
@SpringBootApplication
public class ActivitiesTestApplication {}
