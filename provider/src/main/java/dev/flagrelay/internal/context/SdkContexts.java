package dev.flagrelay.internal.context;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Value;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the attributes of the SDK's immutable contexts without the defensive copies its public
 * views make (every {@code asMap}, {@code keySet} and {@code getValue} of an {@code
 * ImmutableContext} copies; the SDK wraps every evaluation's context in a layered context whose
 * views copy each layer again). On the cached path those copies cost more than everything else the
 * provider does.
 *
 * <p>Only immutable objects are read this way: an {@code ImmutableContext}'s attribute map and
 * values are private copies that nothing ever changes, so reading them without a copy is safe.
 * When the context is anything else (a {@code MutableContext}, several non-empty layers, hook
 * contexts) or this SDK version has a different shape, {@link #immutableAttributes} answers null
 * and the caller falls back to the public API.
 */
final class SdkContexts {
  private static final Logger logger = LoggerFactory.getLogger(SdkContexts.class);
  private static final String LAYERED = "dev.openfeature.sdk.LayeredEvaluationContext";

  private static final Class<?> layeredType;
  private static final VarHandle[] layers;
  private static final VarHandle hookContexts;
  private static final VarHandle structure;
  private static final VarHandle attributes;

  static {
    Class<?> type = null;
    VarHandle[] layerHandles = null;
    VarHandle hooks = null;
    VarHandle structureHandle = null;
    VarHandle attributesHandle = null;
    try {
      Class<?> abstractStructure = Class.forName("dev.openfeature.sdk.AbstractStructure");
      structureHandle = field(ImmutableContext.class, "structure", dev.openfeature.sdk.ImmutableStructure.class);
      attributesHandle = field(abstractStructure, "attributes", Map.class);
      type = Class.forName(LAYERED);
      layerHandles =
          new VarHandle[] {
            field(type, "invocationContext", EvaluationContext.class),
            field(type, "clientContext", EvaluationContext.class),
            field(type, "transactionContext", EvaluationContext.class),
            field(type, "apiContext", EvaluationContext.class)
          };
      hooks = field(type, "hookContexts", java.util.ArrayList.class);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      logger.debug("SDK context internals not readable ({}); using the public context API", e.toString());
      type = null;
    }
    layeredType = type;
    layers = layerHandles;
    hookContexts = hooks;
    structure = structureHandle;
    attributes = attributesHandle;
  }

  private SdkContexts() {}

  private static VarHandle field(Class<?> owner, String name, Class<?> type) throws ReflectiveOperationException {
    return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, name, type);
  }

  /**
   * The attribute map of {@code context} when it is, or wraps as its only non-empty layer, an
   * {@code ImmutableContext}; null otherwise. The map must only be read.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Value> immutableAttributes(EvaluationContext context) {
    if (structure == null) {
      return null;
    }
    if (context instanceof ImmutableContext immutable) {
      return attributesOf(immutable);
    }
    if (layeredType == null || context.getClass() != layeredType) {
      return null;
    }
    List<?> hooks = (List<?>) hookContexts.get(context);
    if (hooks != null && !hooks.isEmpty()) {
      return null;
    }
    EvaluationContext only = null;
    for (VarHandle layer : layers) {
      EvaluationContext candidate = (EvaluationContext) layer.get(context);
      if (candidate == null || (candidate instanceof ImmutableContext && candidate.isEmpty())) {
        continue;
      }
      if (only != null || !(candidate instanceof ImmutableContext)) {
        return null; // Several layers to merge, or a mutable one: the public API does it right.
      }
      only = candidate;
    }
    return only == null ? Map.of() : attributesOf((ImmutableContext) only);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Value> attributesOf(ImmutableContext context) {
    Object inner = structure.get(context);
    return inner == null ? null : (Map<String, Value>) attributes.get(inner);
  }
}
