namespace ModelRefs.Core.Licensing;

public sealed partial class LicenseCatalog
{
    // The licence table. One row a licence:
    //   id | category | flags | name | aliases
    // id: the SPDX id where the SPDX License List has one (https://spdx.org/licenses/), else a
    //     LicenseRef- name (LicenseRef-Llama-3.1-Community, LicenseRef-Gemma, LicenseRef-OpenRAIL…),
    //     so every id restore records is valid in an SPDX expression and in CycloneDX/SPDX documents
    //     (a bare "llama2" is rejected there). The one exception is SPDX's own special values NONE
    //     and NOASSERTION. A LicenseRef- name is an SPDX idstring: letters, digits, '-' and '.'
    //     only (no '+': "openrail++" is LicenseRef-OpenRAIL-PlusPlus-M). The ids Hugging Face's
    //     model cards, npm and older ModelRefs versions (locks, manifests, AcceptLicense) use for
    //     these licences (llama2, gemma, openrail++, UNLICENSED…) are aliases of the row, so they
    //     still map to it. Ids are matched case-insensitively. LicenseCatalogTests lists the SPDX
    //     ids the table may use; a new non-SPDX id must be a LicenseRef- name.
    // category: a LicenseCategory name. flags: attribution, share-alike, no-derivatives,
    //     replaced-by=ID (deprecated SPDX ids), or '-'. aliases: ';'-separated other spellings seen
    //     in npm, Hugging Face, TF Hub and Kaggle metadata, compared loosely (case, "the",
    //     "license", "version" ignored), or '-'.
    // Keep rows grouped by category. LicenseCatalogTests checks every row; docs/licensing.md says
    // how to add one.
    internal const string BuiltInTable = """
        # --- public domain and no-conditions ---
        CC0-1.0                      | PublicDomain    | -                          | Creative Commons Zero v1.0 Universal | CC0; CC0 1.0 Universal; Creative Commons Zero
        Unlicense                    | PublicDomain    | -                          | The Unlicense | -
        PDDL-1.0                     | PublicDomain    | -                          | Open Data Commons Public Domain Dedication & License 1.0 | PDDL
        WTFPL                        | PublicDomain    | -                          | Do What The F*ck You Want To Public License | -
        LicenseRef-PublicDomain      | PublicDomain    | -                          | Public domain (no SPDX id) | Public Domain; Public-Domain
        0BSD                         | Permissive      | -                          | BSD Zero Clause License | Zero-Clause BSD
        MIT-0                        | Permissive      | -                          | MIT No Attribution | MIT No Attribution
        # --- permissive ---
        MIT                          | Permissive      | attribution                | MIT License | Expat; MIT/X11
        X11                          | Permissive      | attribution                | X11 License | -
        ISC                          | Permissive      | attribution                | ISC License | ISC License (ISCL)
        BSD-2-Clause                 | Permissive      | attribution                | BSD 2-Clause "Simplified" License | Simplified BSD; FreeBSD; BSD-2; BSD 2 Clause
        BSD-3-Clause                 | Permissive      | attribution                | BSD 3-Clause "New" or "Revised" License | New BSD; Revised BSD; Modified BSD; BSD-3; BSD 3 Clause
        BSD-3-Clause-Clear           | Permissive      | attribution                | BSD 3-Clause Clear License | -
        LicenseRef-BSD               | Permissive      | attribution                | BSD, variant not stated (every variant is permissive with a notice) | BSD; BSD License
        Apache-2.0                   | Permissive      | attribution                | Apache License 2.0 | Apache 2; Apache2; Apache-2; ASL 2.0; Apache Software License; Apache Software License 2.0; Apache License Version 2.0
        Apache-1.1                   | Permissive      | attribution                | Apache License 1.1 | -
        Zlib                         | Permissive      | -                          | zlib License | zlib/libpng
        BSL-1.0                      | Permissive      | -                          | Boost Software License 1.0 | Boost; Boost Software License
        Python-2.0                   | Permissive      | attribution                | Python License 2.0 | PSF; Python Software Foundation License
        PSF-2.0                      | Permissive      | attribution                | Python Software Foundation License 2.0 | -
        Artistic-2.0                 | Permissive      | attribution                | Artistic License 2.0 | -
        AFL-3.0                      | Permissive      | attribution                | Academic Free License v3.0 | -
        ECL-2.0                      | Permissive      | attribution                | Educational Community License v2.0 | -
        NCSA                         | Permissive      | attribution                | University of Illinois/NCSA Open Source License | -
        PostgreSQL                   | Permissive      | attribution                | PostgreSQL License | -
        Unicode-3.0                  | Permissive      | attribution                | Unicode License v3 | -
        CC-BY-2.0                    | Permissive      | attribution                | Creative Commons Attribution 2.0 Generic | -
        CC-BY-2.5                    | Permissive      | attribution                | Creative Commons Attribution 2.5 Generic | -
        CC-BY-3.0                    | Permissive      | attribution                | Creative Commons Attribution 3.0 Unported | Creative Commons Attribution 3.0
        CC-BY-4.0                    | Permissive      | attribution                | Creative Commons Attribution 4.0 International | Creative Commons Attribution 4.0; Attribution 4.0 International
        CDLA-Permissive-1.0          | Permissive      | attribution                | Community Data License Agreement Permissive 1.0 | -
        CDLA-Permissive-2.0          | Permissive      | attribution                | Community Data License Agreement Permissive 2.0 | -
        ODC-By-1.0                   | Permissive      | attribution                | Open Data Commons Attribution License v1.0 | ODC-By
        # --- weak copyleft: changes to the model stay under its licence; the app does not ---
        LGPL-2.0-only                | WeakCopyleft    | attribution share-alike    | GNU Library General Public License v2 only | -
        LGPL-2.0-or-later            | WeakCopyleft    | attribution share-alike    | GNU Library General Public License v2 or later | -
        LGPL-2.0                     | WeakCopyleft    | attribution share-alike replaced-by=LGPL-2.0-only     | GNU Library General Public License v2 only (deprecated id) | -
        LGPL-2.0+                    | WeakCopyleft    | attribution share-alike replaced-by=LGPL-2.0-or-later | GNU Library General Public License v2 or later (deprecated id) | -
        LGPL-2.1-only                | WeakCopyleft    | attribution share-alike    | GNU Lesser General Public License v2.1 only | -
        LGPL-2.1-or-later            | WeakCopyleft    | attribution share-alike    | GNU Lesser General Public License v2.1 or later | -
        LGPL-2.1                     | WeakCopyleft    | attribution share-alike replaced-by=LGPL-2.1-only     | GNU Lesser General Public License v2.1 only (deprecated id) | LGPLv2.1; LGPL 2.1
        LGPL-2.1+                    | WeakCopyleft    | attribution share-alike replaced-by=LGPL-2.1-or-later | GNU Lesser General Public License v2.1 or later (deprecated id) | -
        LGPL-3.0-only                | WeakCopyleft    | attribution share-alike    | GNU Lesser General Public License v3.0 only | -
        LGPL-3.0-or-later            | WeakCopyleft    | attribution share-alike    | GNU Lesser General Public License v3.0 or later | -
        LGPL-3.0                     | WeakCopyleft    | attribution share-alike replaced-by=LGPL-3.0-only     | GNU Lesser General Public License v3.0 only (deprecated id) | LGPLv3; LGPL 3.0; LGPL3
        LGPL-3.0+                    | WeakCopyleft    | attribution share-alike replaced-by=LGPL-3.0-or-later | GNU Lesser General Public License v3.0 or later (deprecated id) | -
        LicenseRef-LGPL              | WeakCopyleft    | attribution share-alike    | GNU Lesser General Public License, version not stated | LGPL; GNU LGPL
        MPL-1.1                      | WeakCopyleft    | attribution share-alike    | Mozilla Public License 1.1 | -
        MPL-2.0                      | WeakCopyleft    | attribution share-alike    | Mozilla Public License 2.0 | Mozilla Public License 2.0; MPL 2
        MPL-2.0-no-copyleft-exception| WeakCopyleft    | attribution share-alike    | Mozilla Public License 2.0 (no copyleft exception) | -
        EPL-1.0                      | WeakCopyleft    | attribution share-alike    | Eclipse Public License 1.0 | -
        EPL-2.0                      | WeakCopyleft    | attribution share-alike    | Eclipse Public License 2.0 | -
        CDDL-1.0                     | WeakCopyleft    | attribution share-alike    | Common Development and Distribution License 1.0 | -
        MS-PL                        | WeakCopyleft    | attribution                | Microsoft Public License | -
        OFL-1.1                      | WeakCopyleft    | attribution share-alike    | SIL Open Font License 1.1 | -
        CC-BY-SA-2.0                 | WeakCopyleft    | attribution share-alike    | Creative Commons Attribution Share Alike 2.0 Generic | -
        CC-BY-SA-3.0                 | WeakCopyleft    | attribution share-alike    | Creative Commons Attribution Share Alike 3.0 Unported | -
        CC-BY-SA-4.0                 | WeakCopyleft    | attribution share-alike    | Creative Commons Attribution Share Alike 4.0 International | Attribution-ShareAlike 4.0 International
        CDLA-Sharing-1.0             | WeakCopyleft    | attribution share-alike    | Community Data License Agreement Sharing 1.0 | -
        ODbL-1.0                     | WeakCopyleft    | attribution share-alike    | Open Data Commons Open Database License v1.0 | ODbL
        # --- strong copyleft ---
        GPL-2.0-only                 | StrongCopyleft  | attribution share-alike    | GNU General Public License v2.0 only | -
        GPL-2.0-or-later             | StrongCopyleft  | attribution share-alike    | GNU General Public License v2.0 or later | -
        GPL-2.0                      | StrongCopyleft  | attribution share-alike replaced-by=GPL-2.0-only     | GNU General Public License v2.0 only (deprecated id) | GPLv2; GPL 2; GPL2; GNU GPL v2; GNU GPLv2
        GPL-2.0+                     | StrongCopyleft  | attribution share-alike replaced-by=GPL-2.0-or-later | GNU General Public License v2.0 or later (deprecated id) | GPLv2+
        GPL-3.0-only                 | StrongCopyleft  | attribution share-alike    | GNU General Public License v3.0 only | -
        GPL-3.0-or-later             | StrongCopyleft  | attribution share-alike    | GNU General Public License v3.0 or later | -
        GPL-3.0                      | StrongCopyleft  | attribution share-alike replaced-by=GPL-3.0-only     | GNU General Public License v3.0 only (deprecated id) | GPLv3; GPL 3; GPL3; GNU GPL v3; GNU GPLv3
        GPL-3.0+                     | StrongCopyleft  | attribution share-alike replaced-by=GPL-3.0-or-later | GNU General Public License v3.0 or later (deprecated id) | GPLv3+
        LicenseRef-GPL               | StrongCopyleft  | attribution share-alike    | GNU General Public License, version not stated | GPL; GNU GPL
        EUPL-1.1                     | StrongCopyleft  | attribution share-alike    | European Union Public License 1.1 | -
        EUPL-1.2                     | StrongCopyleft  | attribution share-alike    | European Union Public License 1.2 | -
        # --- network copyleft ---
        AGPL-3.0-only                | NetworkCopyleft | attribution share-alike    | GNU Affero General Public License v3.0 only | -
        AGPL-3.0-or-later            | NetworkCopyleft | attribution share-alike    | GNU Affero General Public License v3.0 or later | AGPL-3.0+; AGPLv3+
        AGPL-3.0                     | NetworkCopyleft | attribution share-alike replaced-by=AGPL-3.0-only     | GNU Affero General Public License v3.0 only (deprecated id) | AGPLv3; AGPL 3; AGPL3; GNU AGPL v3
        OSL-3.0                      | NetworkCopyleft | attribution share-alike    | Open Software License 3.0 | -
        SSPL-1.0                     | NetworkCopyleft | attribution share-alike    | Server Side Public License v1 | -
        # --- non-commercial ---
        CC-BY-NC-1.0                 | NonCommercial   | attribution                | Creative Commons Attribution Non Commercial 1.0 Generic | -
        CC-BY-NC-2.0                 | NonCommercial   | attribution                | Creative Commons Attribution Non Commercial 2.0 Generic | -
        CC-BY-NC-2.5                 | NonCommercial   | attribution                | Creative Commons Attribution Non Commercial 2.5 Generic | -
        CC-BY-NC-3.0                 | NonCommercial   | attribution                | Creative Commons Attribution Non Commercial 3.0 Unported | -
        CC-BY-NC-4.0                 | NonCommercial   | attribution                | Creative Commons Attribution Non Commercial 4.0 International | Attribution-NonCommercial 4.0 International; CC BY NC 4.0
        CC-BY-NC-SA-1.0              | NonCommercial   | attribution share-alike    | Creative Commons Attribution Non Commercial Share Alike 1.0 Generic | -
        CC-BY-NC-SA-2.0              | NonCommercial   | attribution share-alike    | Creative Commons Attribution Non Commercial Share Alike 2.0 Generic | -
        CC-BY-NC-SA-2.5              | NonCommercial   | attribution share-alike    | Creative Commons Attribution Non Commercial Share Alike 2.5 Generic | -
        CC-BY-NC-SA-3.0              | NonCommercial   | attribution share-alike    | Creative Commons Attribution Non Commercial Share Alike 3.0 Unported | -
        CC-BY-NC-SA-4.0              | NonCommercial   | attribution share-alike    | Creative Commons Attribution Non Commercial Share Alike 4.0 International | Attribution-NonCommercial-ShareAlike 4.0 International
        CC-BY-NC-ND-1.0              | NonCommercial   | attribution no-derivatives | Creative Commons Attribution Non Commercial No Derivatives 1.0 Generic | -
        CC-BY-NC-ND-2.0              | NonCommercial   | attribution no-derivatives | Creative Commons Attribution Non Commercial No Derivatives 2.0 Generic | -
        CC-BY-NC-ND-2.5              | NonCommercial   | attribution no-derivatives | Creative Commons Attribution Non Commercial No Derivatives 2.5 Generic | -
        CC-BY-NC-ND-3.0              | NonCommercial   | attribution no-derivatives | Creative Commons Attribution Non Commercial No Derivatives 3.0 Unported | -
        CC-BY-NC-ND-4.0              | NonCommercial   | attribution no-derivatives | Creative Commons Attribution Non Commercial No Derivatives 4.0 International | Attribution-NonCommercial-NoDerivatives 4.0 International
        LicenseRef-FAIR-Noncommercial-Research | NonCommercial | attribution      | FAIR Noncommercial Research License | fair-noncommercial-research-license; FAIR Noncommercial Research License
        LicenseRef-DeepFloyd-IF      | NonCommercial   | attribution                | DeepFloyd IF License | deepfloyd-if-license; DeepFloyd IF License
        LicenseRef-Apple-AMLR        | NonCommercial   | attribution                | Apple Machine Learning Research Model License | apple-amlr; Apple Machine Learning Research Model License
        LicenseRef-H-Research        | NonCommercial   | attribution                | H Research License | h-research; H Research License
        LicenseRef-Intel-Research    | NonCommercial   | attribution                | Intel Research Use License | intel-research; Intel Research Use License
        # --- no derivatives ---
        CC-BY-ND-1.0                 | NoDerivatives   | attribution no-derivatives | Creative Commons Attribution No Derivatives 1.0 Generic | -
        CC-BY-ND-2.0                 | NoDerivatives   | attribution no-derivatives | Creative Commons Attribution No Derivatives 2.0 Generic | -
        CC-BY-ND-2.5                 | NoDerivatives   | attribution no-derivatives | Creative Commons Attribution No Derivatives 2.5 Generic | -
        CC-BY-ND-3.0                 | NoDerivatives   | attribution no-derivatives | Creative Commons Attribution No Derivatives 3.0 Unported | -
        CC-BY-ND-4.0                 | NoDerivatives   | attribution no-derivatives | Creative Commons Attribution No Derivatives 4.0 International | Attribution-NoDerivatives 4.0 International
        # --- use-restricted: a use policy travels with the model (RAIL family, Llama, Gemma) ---
        LicenseRef-OpenRAIL          | UseRestricted   | attribution                | Open RAIL (Responsible AI License) | openrail; Open RAIL
        LicenseRef-OpenRAIL-M        | UseRestricted   | attribution                | Open RAIL-M (Responsible AI License for models) | OpenRAIL-M; Open RAIL-M
        LicenseRef-OpenRAIL-PlusPlus-M | UseRestricted | attribution                | CreativeML Open RAIL++-M (Stable Diffusion XL) | openrail++; CreativeML Open RAIL++-M; OpenRAIL++-M
        LicenseRef-CreativeML-OpenRAIL-M | UseRestricted | attribution              | CreativeML Open RAIL-M (Stable Diffusion) | creativeml-openrail-m; CreativeML Open RAIL-M
        LicenseRef-BigScience-OpenRAIL-M | UseRestricted | attribution              | BigScience Open RAIL-M | bigscience-openrail-m; BigScience Open RAIL-M
        LicenseRef-BigScience-BLOOM-RAIL-1.0 | UseRestricted | attribution          | BigScience BLOOM RAIL 1.0 | bigscience-bloom-rail-1.0; BigScience RAIL 1.0; BLOOM RAIL 1.0
        LicenseRef-BigCode-OpenRAIL-M | UseRestricted  | attribution                | BigCode Open RAIL-M v1 | bigcode-openrail-m; BigCode Open RAIL-M
        LicenseRef-Llama-2-Community | UseRestricted   | attribution                | Llama 2 Community License Agreement | llama2; Llama 2 Community License; Llama-2
        LicenseRef-Llama-3-Community | UseRestricted   | attribution                | Meta Llama 3 Community License Agreement | llama3; Llama 3 Community License; Meta Llama 3 Community License
        LicenseRef-Llama-3.1-Community | UseRestricted | attribution                | Llama 3.1 Community License Agreement | llama3.1; Llama 3.1 Community License
        LicenseRef-Llama-3.2-Community | UseRestricted | attribution                | Llama 3.2 Community License Agreement | llama3.2; Llama 3.2 Community License
        LicenseRef-Llama-3.3-Community | UseRestricted | attribution                | Llama 3.3 Community License Agreement | llama3.3; Llama 3.3 Community License
        LicenseRef-Llama-4-Community | UseRestricted   | attribution                | Llama 4 Community License Agreement | llama4; Llama 4 Community License
        LicenseRef-Gemma             | UseRestricted   | attribution                | Gemma Terms of Use | gemma; Gemma Terms of Use; Gemma License
        # --- proprietary and unknown ---
        LicenseRef-UNLICENSED        | Proprietary     | -                          | npm: not licensed for use by others (all rights reserved) | UNLICENSED
        NONE                         | Proprietary     | -                          | SPDX special value: no licence granted | -
        NOASSERTION                  | Unknown         | -                          | No licence stated (SPDX special value) | unknown
        LicenseRef-other             | Unknown         | -                          | Hugging Face: a licence not in Hugging Face's list (see the model card) | other
        LicenseRef-SEE-LICENSE-IN    | Unknown         | -                          | npm: SEE LICENSE IN <file> (the file decides) | SEE-LICENSE-IN
        """;
}
