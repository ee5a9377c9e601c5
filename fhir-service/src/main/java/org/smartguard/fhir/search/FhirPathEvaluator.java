package org.smartguard.fhir.search;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;
import org.fhir.ucum.UcumService;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.exceptions.PathEngineException;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.context.IWorkerContext;
import org.hl7.fhir.r4.fhirpath.BaseHostServices;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ValueSet;
import org.smartguard.commons.fhir.FhirR4;

/**
 * Evaluates search parameter expressions with the FHIRPath engine of HAPI's R4 structures, one engine per thread
 * (engines are not thread-safe) with its parsed expressions cached. HAPI's own wrapper has no UCUM service, and a
 * union such as Observation's {@code value.as(Quantity) | component.value.as(Quantity)} compares quantities, so a
 * blood-pressure panel (two component quantities) could not be indexed: this engine gets the UCUM essence that
 * ships with {@code org.fhir:ucum}. {@code resolve()} answers an empty resource of the referenced type, which is all
 * that expressions like {@code subject.where(resolve() is Patient)} need.
 */
final class FhirPathEvaluator {

    private static final UcumService UCUM = loadUcum();
    private static final ThreadLocal<FhirPathEvaluator> PER_THREAD = ThreadLocal.withInitial(FhirPathEvaluator::new);

    private final FHIRPathEngine engine;
    private final Map<String, ExpressionNode> parsed = new HashMap<>();

    private FhirPathEvaluator() {
        IWorkerContext worker = withUcum(new HapiWorkerContext(FhirR4.context(), FhirR4.context().getValidationSupport()));
        engine = new FHIRPathEngine(worker);
        // as HAPI's wrapper does: search expressions apply functions like as() to collections
        engine.setDoNotEnforceAsSingletonRule(true);
        engine.setHostServices(new ReferenceTypeResolver(worker));
    }

    static List<IBase> evaluate(IBase input, String expression) {
        FhirPathEvaluator evaluator = PER_THREAD.get();
        ExpressionNode compiled = evaluator.parsed.computeIfAbsent(expression, evaluator::parse);
        return List.copyOf(evaluator.engine.evaluate((Base) input, compiled));
    }

    private ExpressionNode parse(String expression) {
        try {
            return engine.parse(expression);
        } catch (Exception e) {
            throw new IllegalStateException("unparseable search expression " + expression, e);
        }
    }

    /**
     * HAPI's worker context, answering the UCUM service it lacks (the class is final, hence a proxy; a native build
     * must register this proxy's interface).
     */
    private static IWorkerContext withUcum(IWorkerContext hapi) {
        return (IWorkerContext) Proxy.newProxyInstance(IWorkerContext.class.getClassLoader(), new Class<?>[] { IWorkerContext.class },
                (proxy, method, args) -> {
                    if (method.getName().equals("getUcumService") && method.getParameterCount() == 0) {
                        return UCUM;
                    }
                    try {
                        return method.invoke(hapi, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static UcumService loadUcum() {
        try (InputStream essence = UcumEssenceService.class.getResourceAsStream("/ucum-essence.xml")) {
            if (essence == null) {
                throw new IllegalStateException("ucum-essence.xml is missing from the class path (org.fhir:ucum)");
            }
            return new UcumEssenceService(essence);
        } catch (IOException | UcumException e) {
            throw new IllegalStateException("the UCUM essence cannot be read", e);
        }
    }

    /** resolve() by the reference's type only; no other host service is used by search parameter expressions. */
    private static final class ReferenceTypeResolver extends BaseHostServices {

        ReferenceTypeResolver(IWorkerContext worker) {
            super(worker);
        }

        @Override
        public Base resolveReference(FHIRPathEngine engine, Object appContext, String url, Identifier identifier, Base refContext)
                throws FHIRException {
            if (url == null) {
                return null;
            }
            String[] parts = url.split("/");
            String type = parts.length >= 2 ? parts[parts.length - 2] : null;
            if (type == null || !FhirR4.context().getResourceTypes().contains(type)) {
                return null;
            }
            return (Base) FhirR4.context().getResourceDefinition(type).newInstance();
        }

        @Override
        public boolean log(String argument, List<Base> focus) {
            return false;
        }

        @Override
        public boolean conformsToProfile(FHIRPathEngine engine, Object appContext, Base item, String url) throws FHIRException {
            throw new PathEngineException("conformsTo() is not available in search parameter expressions");
        }

        @Override
        public ValueSet resolveValueSet(FHIRPathEngine engine, Object appContext, String url) {
            return null;
        }

        @Override
        public boolean paramIsType(String name, int index) {
            return false;
        }
    }
}
