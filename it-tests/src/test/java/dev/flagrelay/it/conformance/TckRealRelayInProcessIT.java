package dev.flagrelay.it.conformance;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.JUNIT_PLATFORM_NAMING_STRATEGY_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PUBLISH_QUIET_PROPERTY_NAME;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectClasspathResource;
import org.junit.platform.suite.api.Suite;

/**
 * The OpenFeature provider TCK (spec Appendix F) against the provider in IN_PROCESS mode and the real relay proxy (binary from the
 * {@code relay.binary} system property), serving the canonical flag set as a GO Feature Flag flag
 * file. Outages stop and restart the relay process; flag changes rewrite the flag file.
 */
@Suite
@IncludeEngines("cucumber")
@SelectClasspathResource("conformance/provider-tck/gherkin/errors.feature")
@SelectClasspathResource("conformance/provider-tck/gherkin/evaluation.feature")
@SelectClasspathResource("conformance/provider-tck/gherkin/events.feature")
@SelectClasspathResource("conformance/provider-tck/gherkin/lifecycle.feature")
@SelectClasspathResource("conformance/provider-tck/gherkin/metadata.feature")
@SelectClasspathResource("conformance/provider-tck/gherkin/reason.feature")
@ConfigurationParameter(
    key = GLUE_PROPERTY_NAME,
    value = "dev.flagrelay.it.conformance.glue,dev.flagrelay.it.conformance.hooks.tckrelayinprocess")
@ConfigurationParameter(key = JUNIT_PLATFORM_NAMING_STRATEGY_PROPERTY_NAME, value = "long")
@ConfigurationParameter(key = PLUGIN_PUBLISH_QUIET_PROPERTY_NAME, value = "true")
public class TckRealRelayInProcessIT {}
