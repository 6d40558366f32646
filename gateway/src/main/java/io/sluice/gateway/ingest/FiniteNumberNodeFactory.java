package io.sluice.gateway.ingest;

import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NumericNode;
import tools.jackson.databind.node.ValueNode;

/**
 * Refuses floating-point literals that overflow to infinity (e.g. {@code 1e99999}): they would be
 * written back as {@code Infinity}, which is not JSON, and poison every consumer downstream.
 */
final class FiniteNumberNodeFactory extends JsonNodeFactory {

    private static final long serialVersionUID = 1L;

    @Override
    public NumericNode numberNode(double v) {
        return super.numberNode(finite(v));
    }

    @Override
    public ValueNode numberNode(Double v) {
        return super.numberNode(v == null ? null : finite(v));
    }

    @Override
    public NumericNode numberNode(float v) {
        return super.numberNode((float) finite(v));
    }

    @Override
    public ValueNode numberNode(Float v) {
        return super.numberNode(v == null ? null : (float) finite(v));
    }

    private static double finite(double v) {
        if (!Double.isFinite(v)) {
            throw new StreamConstraintsException("a number is outside the range of a 64-bit float");
        }
        return v;
    }
}
