"""The footer's four pages with a first text in English, French and German, and the curators'
right to edit them. Curators replace the contact details with the team's own."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTACT = "pact-portal@example.eu"

PAGES = {
    "legal-notice": {
        "en": (
            "Legal notice",
            f"""This portal presents the skills partnerships of the EU Pact for Skills: the industrial ecosystems, the large-scale and regional partnerships, their members and the documents they publish.

## Who runs it
The portal team publishes and maintains this site. Write to {CONTACT} for anything about it.

## Where the information comes from
Every record is taken from public pages of the Pact for Skills and of the partnerships themselves, and links to its source. We check the facts with care, but the partnerships' own pages remain the reference: if a record differs from its source, the source is right, and we are glad to be told.

## Reuse
You may reuse the texts and data of this portal, including its CSV downloads and its API, provided you name the source. Documents published by partnerships belong to their authors and follow their own terms.

## Links to other sites
Links to other sites are given for information. We have no control over their content and are not responsible for it.""",
        ),
        "fr": (
            "Mentions légales",
            f"""Ce portail présente les partenariats pour les compétences du Pacte européen pour les compétences : les écosystèmes industriels, les partenariats à grande échelle et régionaux, leurs membres et les documents qu’ils publient.

## Qui le publie
L’équipe du portail publie et tient à jour ce site. Écrivez à {CONTACT} pour toute question à son sujet.

## D’où viennent les informations
Chaque fiche est tirée de pages publiques du Pacte pour les compétences et des partenariats eux-mêmes, et renvoie à sa source. Nous vérifions les faits avec soin, mais les pages des partenariats font foi : si une fiche diffère de sa source, la source a raison, et nous vous remercions de nous le signaler.

## Réutilisation
Vous pouvez réutiliser les textes et les données de ce portail, y compris ses téléchargements CSV et son API, en citant la source. Les documents publiés par les partenariats appartiennent à leurs auteurs et suivent leurs propres conditions.

## Liens vers d’autres sites
Les liens vers d’autres sites sont donnés à titre d’information. Nous ne maîtrisons pas leur contenu et n’en sommes pas responsables.""",
        ),
        "de": (
            "Impressum",
            f"""Dieses Portal stellt die Kompetenzpartnerschaften des EU-Kompetenzpakts vor: die industriellen Ökosysteme, die großen und die regionalen Partnerschaften, ihre Mitglieder und die Dokumente, die sie veröffentlichen.

## Wer es betreibt
Das Portalteam veröffentlicht und pflegt diese Website. Schreiben Sie uns zu allen Fragen an {CONTACT}.

## Woher die Angaben stammen
Jeder Eintrag stammt aus öffentlichen Seiten des Kompetenzpakts und der Partnerschaften selbst und verweist auf seine Quelle. Wir prüfen die Angaben sorgfältig, maßgeblich bleiben aber die Seiten der Partnerschaften: Weicht ein Eintrag von seiner Quelle ab, gilt die Quelle, und wir freuen uns über einen Hinweis.

## Weiterverwendung
Sie dürfen die Texte und Daten dieses Portals, auch seine CSV-Downloads und seine API, unter Nennung der Quelle weiterverwenden. Von Partnerschaften veröffentlichte Dokumente gehören ihren Verfassern und unterliegen deren Bedingungen.

## Links zu anderen Websites
Links zu anderen Websites dienen der Information. Auf deren Inhalte haben wir keinen Einfluss und übernehmen dafür keine Verantwortung.""",
        ),
    },
    "privacy": {
        "en": (
            "Privacy statement",
            f"""This statement explains what personal data the portal handles when you visit it, and why.

## Visiting the portal
The portal sets no tracking or analytics cookie and loads nothing from other sites. It remembers the language you choose in a cookie, for one year, so that it can answer in that language next time. The web server keeps technical logs (address, page, time, browser) for at most 30 days to keep the service secure and working; they are not used for anything else.

## The partnerships' data
The records name organisations, and sometimes the people who speak for them, as they appear in public sources. If a record names you and you want it corrected or removed, write to us.

## Curators
Curators sign in to the administration pages. Their name, e-mail address and the changes they make are kept to run the portal and to show who changed what.

## Your rights
You may ask to see, correct or erase the personal data we hold about you, and object to its use. Write to {CONTACT}. You may also complain to your data protection authority.""",
        ),
        "fr": (
            "Déclaration de confidentialité",
            f"""Cette déclaration explique quelles données personnelles le portail traite lors de votre visite, et pourquoi.

## Visiter le portail
Le portail ne dépose aucun cookie de suivi ou de mesure d’audience et ne charge rien depuis d’autres sites. Il retient la langue que vous choisissez dans un cookie, pendant un an, pour vous répondre dans cette langue la fois suivante. Le serveur web conserve des journaux techniques (adresse, page, heure, navigateur) pendant 30 jours au plus, pour la sécurité et le bon fonctionnement du service ; ils ne servent à rien d’autre.

## Les données des partenariats
Les fiches nomment des organisations, et parfois les personnes qui les représentent, telles qu’elles figurent dans des sources publiques. Si une fiche vous nomme et que vous souhaitez la faire corriger ou supprimer, écrivez-nous.

## Curateurs
Les curateurs se connectent aux pages d’administration. Leur nom, leur adresse électronique et les modifications qu’ils apportent sont conservés pour faire fonctionner le portail et montrer qui a changé quoi.

## Vos droits
Vous pouvez demander à consulter, rectifier ou effacer les données personnelles vous concernant, et vous opposer à leur utilisation. Écrivez à {CONTACT}. Vous pouvez aussi saisir votre autorité de protection des données.""",
        ),
        "de": (
            "Datenschutzerklärung",
            f"""Diese Erklärung beschreibt, welche personenbezogenen Daten das Portal bei Ihrem Besuch verarbeitet und warum.

## Besuch des Portals
Das Portal setzt keine Tracking- oder Statistik-Cookies und lädt nichts von anderen Websites. Die von Ihnen gewählte Sprache speichert es ein Jahr lang in einem Cookie, um Ihnen beim nächsten Mal in dieser Sprache zu antworten. Der Webserver speichert technische Protokolle (Adresse, Seite, Uhrzeit, Browser) höchstens 30 Tage lang, um den Dienst sicher und funktionsfähig zu halten; sie werden für nichts anderes verwendet.

## Die Daten der Partnerschaften
Die Einträge nennen Organisationen und manchmal die Personen, die für sie sprechen, so wie sie in öffentlichen Quellen erscheinen. Wenn ein Eintrag Sie nennt und Sie ihn berichtigen oder entfernen lassen möchten, schreiben Sie uns.

## Kuratorinnen und Kuratoren
Kuratorinnen und Kuratoren melden sich bei den Verwaltungsseiten an. Ihr Name, ihre E-Mail-Adresse und ihre Änderungen werden gespeichert, um das Portal zu betreiben und zu zeigen, wer was geändert hat.

## Ihre Rechte
Sie können Auskunft über Ihre personenbezogenen Daten verlangen, ihre Berichtigung oder Löschung fordern und ihrer Verwendung widersprechen. Schreiben Sie an {CONTACT}. Sie können sich auch bei Ihrer Datenschutzbehörde beschweren.""",
        ),
    },
    "accessibility": {
        "en": (
            "Accessibility statement",
            f"""The portal team is committed to making this portal accessible, in line with Directive (EU) 2016/2102 on the accessibility of the websites and mobile applications of public sector bodies. This statement applies to the public pages of the portal in English, French and German.

## Compliance status
This portal is partially compliant with the harmonised standard EN 301 549 and the Web Content Accessibility Guidelines (WCAG) 2.1, level AA, because of the exceptions listed below.

## Content that is not accessible
- Documents published by the partnerships (PDF files) are reproduced as their authors made them and may lack tags, headings or text alternatives. Each document's page gives its title, date and description as accessible text.
- The interactive API documentation (Swagger UI and ReDoc) is made by other projects; some of its controls may not work well with a screen reader. The same information is in the OpenAPI schema file.
- Maps show where the partnerships are. Each map has a table beside it with the same figures.

## Preparation of this statement
This statement was prepared from a self-assessment. Every type of page is checked automatically, in each language, at phone and desktop widths, with axe-core and the Nu HTML Checker, and by hand with the keyboard alone and without JavaScript. The statement is reviewed at each release.

## Feedback and contact
If you meet a problem with accessibility, or need a document or a piece of information in an accessible form, write to {CONTACT}. Say which page and what went wrong; we reply within 15 working days.

## Enforcement procedure
If our reply does not satisfy you, you may complain to the European Ombudsman (https://www.ombudsman.europa.eu) or to the body your country has appointed under the Directive.""",
        ),
        "fr": (
            "Déclaration d’accessibilité",
            f"""L’équipe du portail s’engage à rendre ce portail accessible, conformément à la directive (UE) 2016/2102 relative à l’accessibilité des sites internet et des applications mobiles des organismes du secteur public. Cette déclaration s’applique aux pages publiques du portail en anglais, en français et en allemand.

## État de conformité
Ce portail est partiellement conforme à la norme harmonisée EN 301 549 et aux règles pour l’accessibilité des contenus web (WCAG) 2.1, niveau AA, en raison des exceptions énumérées ci-dessous.

## Contenus non accessibles
- Les documents publiés par les partenariats (fichiers PDF) sont reproduits tels que leurs auteurs les ont faits et peuvent manquer de balises, de titres ou d’alternatives textuelles. La page de chaque document en donne le titre, la date et la description sous forme de texte accessible.
- La documentation interactive de l’API (Swagger UI et ReDoc) est faite par d’autres projets ; certaines de ses commandes peuvent mal fonctionner avec un lecteur d’écran. Les mêmes informations figurent dans le fichier du schéma OpenAPI.
- Les cartes montrent où se trouvent les partenariats. Chaque carte est accompagnée d’un tableau donnant les mêmes chiffres.

## Établissement de cette déclaration
Cette déclaration repose sur une auto-évaluation. Chaque type de page est vérifié automatiquement, dans chaque langue, en largeur de téléphone et d’ordinateur, avec axe-core et le Nu HTML Checker, et à la main au seul clavier et sans JavaScript. La déclaration est revue à chaque nouvelle version.

## Retour d’information et contact
Si vous rencontrez un problème d’accessibilité, ou s’il vous faut un document ou une information sous une forme accessible, écrivez à {CONTACT}. Indiquez la page et le problème ; nous répondons sous 15 jours ouvrés.

## Procédure de mise en œuvre
Si notre réponse ne vous satisfait pas, vous pouvez saisir le Médiateur européen (https://www.ombudsman.europa.eu) ou l’organisme désigné par votre pays en application de la directive.""",
        ),
        "de": (
            "Erklärung zur Barrierefreiheit",
            f"""Das Portalteam ist bestrebt, dieses Portal barrierefrei zugänglich zu machen, im Einklang mit der Richtlinie (EU) 2016/2102 über den barrierefreien Zugang zu den Websites und mobilen Anwendungen öffentlicher Stellen. Diese Erklärung gilt für die öffentlichen Seiten des Portals auf Englisch, Französisch und Deutsch.

## Stand der Vereinbarkeit mit den Anforderungen
Dieses Portal ist wegen der unten aufgeführten Ausnahmen teilweise mit der harmonisierten Norm EN 301 549 und den Richtlinien für barrierefreie Webinhalte (WCAG) 2.1, Stufe AA, vereinbar.

## Nicht barrierefreie Inhalte
- Von den Partnerschaften veröffentlichte Dokumente (PDF-Dateien) werden so wiedergegeben, wie ihre Verfasser sie erstellt haben, und können ohne Tags, Überschriften oder Textalternativen sein. Die Seite jedes Dokuments gibt Titel, Datum und Beschreibung als barrierefreien Text an.
- Die interaktive API-Dokumentation (Swagger UI und ReDoc) stammt aus anderen Projekten; einige ihrer Bedienelemente funktionieren mit einem Bildschirmleser möglicherweise schlecht. Dieselben Angaben stehen in der OpenAPI-Schemadatei.
- Karten zeigen, wo die Partnerschaften tätig sind. Neben jeder Karte steht eine Tabelle mit denselben Zahlen.

## Erstellung dieser Erklärung
Diese Erklärung beruht auf einer Selbstbewertung. Jeder Seitentyp wird in jeder Sprache bei Telefon- und Desktopbreite automatisch mit axe-core und dem Nu HTML Checker geprüft und von Hand allein mit der Tastatur und ohne JavaScript. Die Erklärung wird bei jeder neuen Version überprüft.

## Feedback und Kontakt
Wenn Sie auf eine Barriere stoßen oder ein Dokument oder eine Information in barrierefreier Form benötigen, schreiben Sie an {CONTACT}. Nennen Sie die Seite und das Problem; wir antworten innerhalb von 15 Arbeitstagen.

## Durchsetzungsverfahren
Wenn Sie mit unserer Antwort nicht zufrieden sind, können Sie sich an die Europäische Bürgerbeauftragte (https://www.ombudsman.europa.eu) oder an die Stelle wenden, die Ihr Land nach der Richtlinie benannt hat.""",
        ),
    },
    "contact": {
        "en": (
            "Contact",
            f"""Write to the portal team at {CONTACT}.

We answer questions about the portal, corrections to a record, requests to add a partnership or a member, and accessibility problems. Please name the page you are writing about.

For questions about a partnership itself, contact that partnership: its page links to its own website.""",
        ),
        "fr": (
            "Contact",
            f"""Écrivez à l’équipe du portail à {CONTACT}.

Nous répondons aux questions sur le portail, aux corrections d’une fiche, aux demandes d’ajout d’un partenariat ou d’un membre, et aux problèmes d’accessibilité. Merci d’indiquer la page concernée.

Pour toute question sur un partenariat lui-même, contactez ce partenariat : sa page renvoie à son propre site.""",
        ),
        "de": (
            "Kontakt",
            f"""Schreiben Sie dem Portalteam an {CONTACT}.

Wir beantworten Fragen zum Portal, Korrekturen an einem Eintrag, Wünsche, eine Partnerschaft oder ein Mitglied aufzunehmen, und Probleme mit der Barrierefreiheit. Bitte nennen Sie die betreffende Seite.

Fragen zu einer Partnerschaft selbst richten Sie bitte an diese Partnerschaft: Ihre Seite verweist auf ihre eigene Website.""",
        ),
    },
}

CURATOR_RIGHTS = ["view_informationpage", "change_informationpage"]


def create(apps, schema_editor):
    InformationPage = apps.get_model("pactportal", "InformationPage")
    for slug, texts in PAGES.items():
        columns = {"title": texts["en"][0], "body": texts["en"][1]}
        for code, (title, body) in texts.items():
            columns |= {f"title_{code}": title, f"body_{code}": body}
        InformationPage.objects.update_or_create(slug=slug, defaults=columns)

    app_config = apps.get_app_config("pactportal")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    apps.get_model("auth", "Group").objects.get(name="Curators").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="pactportal", codename__in=CURATOR_RIGHTS
        )
    )


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get(name="Curators").permissions.remove(
        *apps.get_model("auth", "Permission").objects.filter(content_type__app_label="pactportal")
    )
    apps.get_model("pactportal", "InformationPage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pactportal", "0001_information_pages"),
        ("partnerships", "0008_curators_group"),
    ]

    operations = [migrations.RunPython(create, remove)]
