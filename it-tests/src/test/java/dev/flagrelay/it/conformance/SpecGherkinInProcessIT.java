package dev.flagrelay.it.conformance;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.JUNIT_PLATFORM_NAMING_STRATEGY_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PUBLISH_QUIET_PROPERTY_NAME;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectClasspathResource;
import org.junit.platform.suite.api.Suite;

/**
 * The OpenFeature specification's Gherkin (Appendix B) against the provider in IN_PROCESS mode
 * and the real relay proxy serving the spec's test-flags.json (but the two flags without a
 * default variant, which GO Feature Flag cannot express and no selected scenario uses).
 * {@code contextMerging.feature} is not selected: its assertions read the context the relay
 * received, and an in-process evaluation sends none (CONFORMANCE.md).
 */
@Suite
@IncludeEngines("cucumber")
@SelectClasspathResource("conformance/openfeature-spec/evaluation_v2.feature")
@SelectClasspathResource("conformance/openfeature-spec/metadata.feature")
@ConfigurationParameter(
    key = GLUE_PROPERTY_NAME,
    value = "dev.flagrelay.it.conformance.glue,dev.flagrelay.it.conformance.hooks.specrelayinprocess")
@ConfigurationParameter(key = JUNIT_PLATFORM_NAMING_STRATEGY_PROPERTY_NAME, value = "long")
@ConfigurationParameter(key = PLUGIN_PUBLISH_QUIET_PROPERTY_NAME, value = "true")
public class SpecGherkinInProcessIT {}
