package dev.flagrelay.benchmarks.engine;

import java.util.List;
import java.util.Map;

/** The flag configurations and the context the engine benchmarks evaluate. */
final class EngineFlags {
  static final String STATIC = "static-flag";
  static final String SPLIT = "split-flag";
  static final String NIKUNJY_10_RULES = "nikunjy-10-rules";
  static final String JSONLOGIC = "jsonlogic-rule";

  /** Ten nikunjy rules; only the last one matches {@link #context14}, so all ten are evaluated. */
  private static final List<String> TEN_RULES = List.of(
      "email ew \\\"@competitor.com\\\"",
      "plan eq \\\"enterprise\\\" and age gt 60",
      "country in [\\\"FR\\\", \\\"DE\\\", \\\"IT\\\"]",
      "company.size gt 5000",
      "version lt 1.0.0",
      "firstname sw \\\"zz\\\"",
      "anonymous eq true",
      "rate ge 9.5",
      "lastname eq \\\"nobody\\\" or device eq \\\"tv\\\"",
      "plan eq \\\"pro\\\" and professional eq true");

  private EngineFlags() {}

  /** The relay's configuration body with the four benchmark flags. */
  static String configuration() {
    StringBuilder rules = new StringBuilder();
    for (int i = 0; i < TEN_RULES.size(); i++) {
      rules.append(i == 0 ? "" : ",")
          .append("{\"name\":\"rule-").append(i).append("\",\"query\":\"").append(TEN_RULES.get(i))
          .append("\",\"variation\":\"").append(i == TEN_RULES.size() - 1 ? "on" : "off").append("\"}");
    }
    return "{\"flags\":{"
        + "\"" + STATIC + "\":{\"variations\":{\"on\":true,\"off\":false},\"defaultRule\":{\"variation\":\"on\"}},"
        + "\"" + SPLIT + "\":{\"variations\":{\"on\":true,\"off\":false},\"defaultRule\":{\"percentage\":{\"on\":30,\"off\":70}}},"
        + "\"" + NIKUNJY_10_RULES + "\":{\"variations\":{\"on\":true,\"off\":false},\"targeting\":[" + rules
        + "],\"defaultRule\":{\"variation\":\"off\"}},"
        + "\"" + JSONLOGIC + "\":{\"variations\":{\"on\":true,\"off\":false},\"targeting\":[{\"name\":\"beta-pros\",\"query\":"
        + "\"{\\\"and\\\":[{\\\"==\\\":[{\\\"var\\\":\\\"plan\\\"},\\\"pro\\\"]},{\\\">\\\":[{\\\"var\\\":\\\"age\\\"},18]},"
        + "{\\\"in\\\":[\\\"beta\\\",{\\\"var\\\":\\\"labels\\\"}]}]}\",\"variation\":\"on\"}],\"defaultRule\":{\"variation\":\"off\"}}"
        + "},\"evaluationContextEnrichment\":{\"env\":\"production\"}}";
  }

  /** A 14-attribute context (plus the targeting key), as plain Java values. */
  static Map<String, Object> context14() {
    return Map.ofEntries(
        Map.entry("email", "john.doe@example.com"),
        Map.entry("firstname", "john"),
        Map.entry("lastname", "doe"),
        Map.entry("age", 42),
        Map.entry("rate", 3.14),
        Map.entry("plan", "pro"),
        Map.entry("country", "ES"),
        Map.entry("company", Map.of("name", "acme", "size", 120)),
        Map.entry("labels", List.of("beta", "pro")),
        Map.entry("professional", true),
        Map.entry("anonymous", false),
        Map.entry("version", "2.3.1"),
        Map.entry("device", "phone"),
        Map.entry("createdAt", "2024-01-01T00:00:00Z"));
  }

  /**
   * A configuration of {@code count} flags of every shape the relay serves: static, splits,
   * progressive and scheduled rollouts, nikunjy and JsonLogic rules, experimentation, metadata.
   */
  static String manyFlags(int count) {
    StringBuilder body = new StringBuilder("{\"flags\":{");
    for (int i = 0; i < count; i++) {
      body.append(i == 0 ? "" : ",").append("\"flag-").append(i).append("\":").append(flag(i));
    }
    return body.append("}}").toString();
  }

  private static String flag(int i) {
    String variations = "\"variations\":{\"A\":\"value-a-" + i + "\",\"B\":{\"n\":" + i + ",\"l\":[1,2]},\"C\":" + i + "}";
    String metadata = ",\"metadata\":{\"owner\":\"team-" + (i % 7) + "\",\"issue\":" + i + "}";
    return switch (i % 5) {
      case 0 -> "{" + variations + ",\"defaultRule\":{\"variation\":\"A\"}" + metadata + "}";
      case 1 -> "{" + variations + ",\"defaultRule\":{\"percentage\":{\"A\":20,\"B\":30.5,\"C\":49.5}}}";
      case 2 -> "{" + variations + ",\"targeting\":[{\"name\":\"r\",\"query\":\"email ew \\\"@example.com\\\" and age gt " + i
          + "\",\"variation\":\"B\"},{\"query\":\"country in [\\\"FR\\\", \\\"ES\\\"] or version ge 1." + (i % 9) + ".0\",\"percentage\":{\"A\":50,\"C\":50}}],"
          + "\"defaultRule\":{\"variation\":\"C\"}" + metadata + "}";
      case 3 -> "{" + variations + ",\"targeting\":[{\"query\":\"{\\\"and\\\":[{\\\"==\\\":[{\\\"var\\\":\\\"plan\\\"},\\\"pro\\\"]},{\\\">\\\":[{\\\"var\\\":\\\"age\\\"},"
          + i + "]}]}\",\"variation\":\"A\"}],\"defaultRule\":{\"progressiveRollout\":{\"initial\":{\"variation\":\"A\",\"percentage\":0,"
          + "\"date\":\"2024-01-01T00:00:00Z\"},\"end\":{\"variation\":\"B\",\"percentage\":100,\"date\":\"2024-02-01T00:00:00Z\"}}}}";
      default -> "{" + variations + ",\"defaultRule\":{\"variation\":\"A\"},\"experimentation\":{\"start\":\"2024-01-01T00:00:00Z\","
          + "\"end\":\"2025-01-01T00:00:00Z\"},\"scheduledRollout\":[{\"date\":\"2024-03-01T00:00:00Z\",\"defaultRule\":{\"variation\":\"B\"}},"
          + "{\"date\":\"2024-06-01T00:00:00Z\",\"targeting\":[{\"name\":\"late\",\"query\":\"plan eq \\\"pro\\\"\",\"variation\":\"C\"}]}]}";
    };
  }
}
