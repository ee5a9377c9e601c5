package org.smartguard.fhir.storage;

import java.io.StringReader;
import java.util.regex.Pattern;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.smartguard.commons.fhir.FhirR4;
import org.smartguard.fhir.errors.FhirException;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;

/**
 * Strict parsing of incoming resources, JSON or XML (unknown elements and wrong types are errors that say where),
 * and the JSON they are stored as.
 */
public final class FhirBodies {

    /**
     * A DOCTYPE is where external entities (XXE) and entity expansion bombs live; FHIR XML never has one, so it is
     * refused before any parser sees the document, whatever that parser's own settings.
     */
    private static final Pattern DOCTYPE = Pattern.compile("<!\\s*(DOCTYPE|ENTITY)", Pattern.CASE_INSENSITIVE);
    /** A JSON {@code \u0000} escape (not an escaped backslash before "u0000"): PostgreSQL text cannot hold NUL. */
    private static final Pattern NUL_ESCAPE = Pattern.compile("(?<!\\\\)(\\\\\\\\)*\\\\u0000", Pattern.CASE_INSENSITIVE);

    private static final int MAX_XML_DEPTH = 500;
    private static final XMLInputFactory XML_INPUT = XMLInputFactory.newFactory();

    static {
        XML_INPUT.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        XML_INPUT.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    }

    private FhirBodies() {
    }

    public static IBaseResource parseJson(String body, String expectedType) {
        requireBody(body);
        if (NUL_ESCAPE.matcher(body).find()) {
            throw FhirException.badRequest("SG-FHIR-PARSE", "the resource could not be parsed: strings may not contain the NUL character");
        }
        return parse(jsonParser(), body, expectedType);
    }

    public static IBaseResource parseXml(String body, String expectedType) {
        requireBody(body);
        if (DOCTYPE.matcher(body).find()) {
            throw FhirException.badRequest("SG-FHIR-XML-DTD", "FHIR XML may not contain a DOCTYPE or entity declarations");
        }
        requireXmlDepth(body);
        return parse(FhirR4.context().newXmlParser().setParserErrorHandler(new StrictErrorHandler()), body, expectedType);
    }

    /**
     * HAPI's model walks nested elements recursively, so a document nested thousands deep would overflow the stack;
     * the JSON parser stops at 1,000 levels (Jackson's limit, an element being an object in an array), so XML stops
     * at half that. A StAX pass that supports no DTD, and so no entity, counts the depth.
     */
    private static void requireXmlDepth(String body) {
        try {
            XMLStreamReader reader = XML_INPUT.createXMLStreamReader(new StringReader(body));
            try {
                int depth = 0;
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.START_ELEMENT && ++depth > MAX_XML_DEPTH) {
                        throw FhirException.badRequest("SG-FHIR-PARSE", "the resource is nested deeper than " + MAX_XML_DEPTH + " elements");
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        depth--;
                    }
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            throw FhirException.badRequest("SG-FHIR-PARSE", "the resource could not be parsed: " + e.getMessage());
        }
    }

    public static String encode(IBaseResource resource) {
        return jsonParser().encodeResourceToString(resource);
    }

    private static void requireBody(String body) {
        if (body == null || body.isBlank()) {
            throw FhirException.badRequest("SG-FHIR-EMPTY", "the request has no resource");
        }
    }

    private static IBaseResource parse(IParser parser, String body, String expectedType) {
        IBaseResource resource;
        try {
            resource = parser.parseResource(body);
        } catch (DataFormatException e) {
            throw FhirException.badRequest("SG-FHIR-PARSE", "the resource could not be parsed: " + e.getMessage());
        }
        String type = FhirR4.context().getResourceType(resource);
        if (!type.equals(expectedType)) {
            throw FhirException.badRequest("SG-FHIR-TYPE-MISMATCH", "the body is a " + type + ", the URL names " + expectedType);
        }
        return resource;
    }

    private static IParser jsonParser() {
        return FhirR4.context().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    }
}
