package org.smartguard.fhir.search;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IIdType;
import org.smartguard.commons.fhir.FhirR4;

import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.fhirpath.IFhirPathEvaluationContext;

/**
 * Evaluates search parameter expressions with HAPI's FHIRPath engine, one engine per thread (engines are not
 * thread-safe) with its parsed expressions cached. {@code resolve()} answers an empty resource of the referenced
 * type, which is all that expressions like {@code subject.where(resolve() is Patient)} need.
 */
final class FhirPathEvaluator {

    private static final ThreadLocal<FhirPathEvaluator> PER_THREAD = ThreadLocal.withInitial(FhirPathEvaluator::new);

    private final IFhirPath engine;
    private final Map<String, IFhirPath.IParsedExpression> parsed = new HashMap<>();

    private FhirPathEvaluator() {
        engine = FhirR4.context().newFhirPath();
        engine.setEvaluationContext(new IFhirPathEvaluationContext() {
            @Override
            public IBase resolveReference(IIdType reference, IBase context) {
                String type = reference.getResourceType();
                if (type == null || !FhirR4.context().getResourceTypes().contains(type)) {
                    return null;
                }
                return FhirR4.context().getResourceDefinition(type).newInstance();
            }
        });
    }

    static List<IBase> evaluate(IBase input, String expression) {
        FhirPathEvaluator evaluator = PER_THREAD.get();
        IFhirPath.IParsedExpression compiled = evaluator.parsed.computeIfAbsent(expression, evaluator::parse);
        return evaluator.engine.evaluate(input, compiled, IBase.class);
    }

    private IFhirPath.IParsedExpression parse(String expression) {
        try {
            return engine.parse(expression);
        } catch (Exception e) {
            throw new IllegalStateException("unparseable search expression " + expression, e);
        }
    }
}
