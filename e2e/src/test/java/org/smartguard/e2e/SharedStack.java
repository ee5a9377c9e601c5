package org.smartguard.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link E2eStack} for every end-to-end class ({@code @ExtendWith(SharedStack.class)}, then an {@code E2eStack}
 * parameter, e.g. of a {@code @BeforeAll} method): the first class that asks starts it, JUnit stops it after the last
 * class of the run (it lives in the root store, which closes what it holds), so {@code ./suite up} and its population
 * load happen once per run. A stack that failed to start fails every class with the same cause, without retrying.
 */
final class SharedStack implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedStack.class);

    /** The started stack, or why it could not start; closed by JUnit at the end of the run. */
    private static final class Started implements AutoCloseable {
        private final E2eStack stack;
        private final RuntimeException failure;

        Started() {
            E2eStack started = null;
            RuntimeException failed = null;
            try {
                started = E2eStack.up();
            } catch (RuntimeException e) {
                failed = e;
            }
            this.stack = started;
            this.failure = failed;
        }

        E2eStack stack() {
            if (failure != null) {
                throw new IllegalStateException("the end-to-end stack did not start", failure);
            }
            return stack;
        }

        @Override
        public void close() {
            if (stack != null) {
                stack.close();
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == E2eStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(Started.class, type -> new Started(), Started.class).stack();
    }
}
