"""The SEN2 person-level return: code lists, streaming parser, validation, minimisation, import and generator.

Pipeline (see ``importer.import_sen2``): stream the XML (``parser``) → check each person (``validate``) →
minimise personal data (``minimise``) → store in one transaction. ``parser``, ``validate``, ``minimise``,
``codes`` and ``generate`` import nothing from Django.
"""
