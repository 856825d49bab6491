package dev.jobledger;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The ledger service: command side and query side in one process, on one PostgreSQL database. It sits in the root
 * package so that component, entity, repository and settings scanning cover every module.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class JobLedgerApplication {

    public static void main(String[] args) {
        SpringApplication.run(JobLedgerApplication.class, args);
    }
}
