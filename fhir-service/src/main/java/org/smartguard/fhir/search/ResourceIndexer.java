package org.smartguard.fhir.search;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Timing;
import org.smartguard.commons.fhir.FhirR4;
import org.smartguard.commons.urls.PublicUrls;

import ca.uhn.fhir.context.RuntimeSearchParam;
import io.quarkus.runtime.StartupEvent;

/**
 * Extracts a resource's search index rows and patient compartments, for every standard search parameter of its
 * type, by evaluating the parameter's FHIRPath expression and converting what it yields by parameter type.
 */
@ApplicationScoped
public class ResourceIndexer {

    /** Indexed from the resource table's own columns, not from index rows. */
    private static final Set<String> COLUMN_PARAMETERS = Set.of("_id", "_lastUpdated");

    private final SearchParameters parameters;
    private final String localBase;

    ResourceIndexer(SearchParameters parameters, PublicUrls urls) {
        this.parameters = parameters;
        this.localBase = urls.fhirBase() + "/";
    }

    /**
     * FHIRPath's first use loads the R4 StructureDefinitions (seconds): pay it at start-up, before the service
     * reports ready, instead of in the first write.
     */
    void warmUp(@Observes StartupEvent start) {
        org.hl7.fhir.r4.model.Observation sample = new org.hl7.fhir.r4.model.Observation();
        sample.setId("warm-up");
        sample.setValue(new Quantity(1));
        sample.setSubject(new Reference("Patient/warm-up"));
        index(sample);
    }

    public IndexRows index(IBaseResource resource) {
        String type = FhirR4.context().getResourceType(resource);
        IndexRows rows = new IndexRows();
        if ("Patient".equals(type)) {
            rows.compartmentPatients.add(resource.getIdElement().getIdPart());
        }
        for (RuntimeSearchParam param : parameters.of(type)) {
            if (COLUMN_PARAMETERS.contains(param.getName())) {
                continue;
            }
            Optional<CompositeParameter> composite = CompositeParameter.of(type, param);
            if (composite.isPresent()) {
                composite(rows, resource, composite.get());
                continue;
            }
            List<IBase> values = FhirPathEvaluator.evaluate(resource, param.getPath());
            for (IBase value : values) {
                add(rows, param.getName(), param, value);
            }
        }
        return rows;
    }

    /**
     * One group of part rows per repetition of the composite's base element, each part's values taken from that
     * repetition; a repetition lacking a part cannot match and adds nothing. Part rows never add compartments.
     */
    private void composite(IndexRows rows, IBaseResource resource, CompositeParameter composite) {
        String name = composite.composite().getName();
        for (IBase repetition : FhirPathEvaluator.evaluate(resource, composite.composite().getPath())) {
            IndexRows group = new IndexRows();
            boolean complete = true;
            for (int part = 0; part < composite.components().size() && complete; part++) {
                CompositeParameter.Component component = composite.components().get(part);
                String partName = CompositeParameter.partName(name, part);
                int before = group.size();
                for (String expression : component.relative()) {
                    FhirPathEvaluator.evaluate(repetition, expression)
                            .forEach(value -> add(group, partName, component.param(), value));
                }
                for (String expression : component.absolute()) {
                    FhirPathEvaluator.evaluate(resource, expression)
                            .forEach(value -> add(group, partName, component.param(), value));
                }
                complete = group.size() > before;
            }
            if (complete) {
                rows.compositeGroups.add(group);
            }
        }
    }

    /** @param name the row name: the parameter's own, or a composite part's */
    private void add(IndexRows rows, String name, RuntimeSearchParam param, IBase value) {
        switch (param.getParamType()) {
            case STRING -> strings(rows, name, value);
            case TOKEN -> tokens(rows, name, value);
            case DATE -> dates(rows, name, value);
            case REFERENCE -> reference(rows, name, param, value);
            case QUANTITY -> quantity(rows, name, value);
            case NUMBER -> {
                if (value instanceof IPrimitiveType<?> number && number.getValue() instanceof Number n) {
                    rows.numbers.add(new IndexRows.NumberRow(name, new BigDecimal(n.toString())));
                }
            }
            case URI -> {
                if (value instanceof IPrimitiveType<?> uri && uri.getValueAsString() != null) {
                    rows.uris.add(new IndexRows.UriRow(name, uri.getValueAsString()));
                }
            }
            default -> {
                // special parameters are not indexed
            }
        }
    }

    private static void strings(IndexRows rows, String name, IBase value) {
        if (value instanceof HumanName human) {
            string(rows, name, human.getFamily());
            human.getGiven().forEach(given -> string(rows, name, given.getValue()));
            human.getPrefix().forEach(prefix -> string(rows, name, prefix.getValue()));
            human.getSuffix().forEach(suffix -> string(rows, name, suffix.getValue()));
            string(rows, name, human.getText());
        } else if (value instanceof Address address) {
            address.getLine().forEach(line -> string(rows, name, line.getValue()));
            string(rows, name, address.getCity());
            string(rows, name, address.getDistrict());
            string(rows, name, address.getState());
            string(rows, name, address.getPostalCode());
            string(rows, name, address.getCountry());
            string(rows, name, address.getText());
        } else if (value instanceof IPrimitiveType<?> primitive) {
            string(rows, name, primitive.getValueAsString());
        }
    }

    private static void string(IndexRows rows, String name, String text) {
        if (text != null && !text.isBlank()) {
            rows.strings.add(new IndexRows.StringRow(name, TextNormalizer.normalize(text), TextNormalizer.cut(text)));
        }
    }

    private static void tokens(IndexRows rows, String name, IBase value) {
        if (value instanceof CodeableConcept concept) {
            String text = concept.getText();
            concept.getCoding().forEach(coding -> token(rows, name, coding.getSystem(), coding.getCode(), text != null ? text : coding.getDisplay()));
            if (!concept.hasCoding() && text != null) {
                token(rows, name, null, null, text);
            }
        } else if (value instanceof Coding coding) {
            token(rows, name, coding.getSystem(), coding.getCode(), coding.getDisplay());
        } else if (value instanceof Identifier identifier) {
            token(rows, name, identifier.getSystem(), identifier.getValue(), identifier.getType().getText());
        } else if (value instanceof ContactPoint contact) {
            token(rows, name, contact.hasSystem() ? contact.getSystem().toCode() : null, contact.getValue(), null);
        } else if (value instanceof Enumeration<?> enumeration) {
            token(rows, name, enumeration.getSystem(), enumeration.getCode(), null);
        } else if (value instanceof BooleanType bool) {
            token(rows, name, null, bool.getValueAsString(), null);
        } else if (value instanceof IPrimitiveType<?> primitive) {
            token(rows, name, null, primitive.getValueAsString(), null);
        }
    }

    private static void token(IndexRows rows, String name, String system, String code, String text) {
        if (code != null || text != null) {
            rows.tokens.add(new IndexRows.TokenRow(name, cutOrNull(system), cutOrNull(code), text == null ? null : TextNormalizer.normalize(text)));
        }
    }

    private static void dates(IndexRows rows, String name, IBase value) {
        if (value instanceof BaseDateTimeType date) {
            DateRanges.Range range = DateRanges.of(date);
            if (range != null) {
                rows.dates.add(new IndexRows.DateRow(name, range.low(), range.high()));
            }
        } else if (value instanceof Period period) {
            DateRanges.Range start = DateRanges.of(period.getStartElement());
            DateRanges.Range end = DateRanges.of(period.getEndElement());
            if (start != null || end != null) {
                rows.dates.add(new IndexRows.DateRow(name, start != null ? start.low() : DateRanges.MIN, end != null ? end.high() : DateRanges.MAX));
            }
        } else if (value instanceof Timing timing) {
            timing.getEvent().forEach(event -> dates(rows, name, event));
        }
    }

    private void reference(IndexRows rows, String name, RuntimeSearchParam param, IBase value) {
        if (value instanceof Reference reference && reference.hasReference()) {
            String raw = reference.getReference();
            if (raw.startsWith("#")) {
                return;
            }
            IIdType id = reference.getReferenceElement();
            boolean local = !id.isAbsolute() || raw.startsWith(localBase);
            if (local && id.getResourceType() != null && id.getIdPart() != null) {
                rows.references.add(new IndexRows.ReferenceRow(name, id.getResourceType(), id.getIdPart()));
                if ("Patient".equals(id.getResourceType()) && SearchParameters.linksPatientCompartment(param)) {
                    rows.compartmentPatients.add(id.getIdPart());
                }
            } else {
                rows.references.add(new IndexRows.ReferenceRow(name, null, raw));
            }
        } else if (value instanceof IPrimitiveType<?> canonical && canonical.getValueAsString() != null) {
            rows.references.add(new IndexRows.ReferenceRow(name, null, canonical.getValueAsString()));
        }
    }

    private static void quantity(IndexRows rows, String name, IBase value) {
        if (value instanceof Quantity quantity && quantity.hasValue()) {
            String code = quantity.hasCode() ? quantity.getCode() : quantity.getUnit();
            rows.quantities.add(new IndexRows.QuantityRow(name, quantity.getValue(), quantity.getSystem(), code));
        } else if (value instanceof Money money && money.hasValue()) {
            rows.quantities.add(new IndexRows.QuantityRow(name, money.getValue(), "urn:iso:std:iso:4217", money.getCurrency()));
        }
    }

    private static String cutOrNull(String value) {
        return value == null ? null : TextNormalizer.cut(value);
    }
}
