package io.github.stalekeys.emulator;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Shares one {@link AwsEmulator} across the whole test run (starting moto takes seconds) and resets
 * it before each test so tests cannot see each other's state.
 *
 * <pre>{@code
 * @Tag("emulator") // required: the build runs these in mvn verify, apart from the pure-Java tests
 * @ExtendWith(AwsEmulatorExtension.class)
 * class MyTest {
 *   @Test void works(AwsEmulator emulator) { ... }
 * }
 * }</pre>
 */
public final class AwsEmulatorExtension implements BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(AwsEmulatorExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        emulator(context).reset();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == AwsEmulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return emulator(context);
    }

    private static AwsEmulator emulator(ExtensionContext context) {
        if (!context.getTags().contains(AwsEmulator.TAG)) {
            // Without the tag the class runs in `mvn test`, which must pass on a machine without Python.
            throw new ExtensionConfigurationException(
                    context.getRequiredTestClass().getName()
                            + " uses the AWS emulator: put @Tag(\"" + AwsEmulator.TAG + "\") on the class so it runs in"
                            + " mvn verify, not in the pure-Java mvn test");
        }
        // The root store closes its AutoCloseable values when the test run ends.
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(AwsEmulator.class, key -> AwsEmulator.start(), AwsEmulator.class);
    }
}
