// Checks an ontology document against the OWL 2 DL profile with the OWL API that HermiT.jar (shipped
// with owlready2) contains, as Protégé does: prints each violation, then "IN PROFILE" or "NOT IN PROFILE".
// Usage: java -cp HermiT.jar:. ProfileCheck FILE
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class ProfileCheck {
  public static void main(String[] args) throws Exception {
    OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
    OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
    System.out.println("format " + manager.getOntologyFormat(ontology).getClass().getSimpleName());
    System.out.println("logical axioms " + ontology.getLogicalAxiomCount());
    OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
    for (OWLProfileViolation violation : report.getViolations()) {
      System.out.println("VIOLATION " + violation);
    }
    System.out.println(report.isInProfile() ? "IN PROFILE" : "NOT IN PROFILE");
  }
}
