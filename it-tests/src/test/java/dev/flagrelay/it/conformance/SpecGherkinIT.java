package dev.flagrelay.it.conformance;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.JUNIT_PLATFORM_NAMING_STRATEGY_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PUBLISH_QUIET_PROPERTY_NAME;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectClasspathResource;
import org.junit.platform.suite.api.Suite;

/**
 * The OpenFeature specification's own Gherkin (Appendix B: evaluation_v2, metadata, context
 * merging) against a WireMock stand-in for the relay, seeded from the spec's test-flags.json.
 */
@Suite
@IncludeEngines("cucumber")
@SelectClasspathResource("conformance/openfeature-spec/evaluation_v2.feature")
@SelectClasspathResource("conformance/openfeature-spec/metadata.feature")
@SelectClasspathResource("conformance/openfeature-spec/contextMerging.feature")
@ConfigurationParameter(
    key = GLUE_PROPERTY_NAME,
    value = "dev.flagrelay.it.conformance.glue,dev.flagrelay.it.conformance.hooks.specwiremock")
@ConfigurationParameter(key = JUNIT_PLATFORM_NAMING_STRATEGY_PROPERTY_NAME, value = "long")
@ConfigurationParameter(key = PLUGIN_PUBLISH_QUIET_PROPERTY_NAME, value = "true")
public class SpecGherkinIT {}
