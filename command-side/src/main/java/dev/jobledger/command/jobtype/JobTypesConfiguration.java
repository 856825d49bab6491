package dev.jobledger.command.jobtype;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(JobTypes.class)
class JobTypesConfiguration {}
