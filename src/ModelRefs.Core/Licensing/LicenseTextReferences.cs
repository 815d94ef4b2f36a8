namespace ModelRefs.Core.Licensing;

/// <summary>
/// Reference data for <see cref="LicenseTextRecognizer"/>: per licence, a few distinctive sentences
/// of its official text (SPDX License List / the steward's own copy), chosen by hand where close
/// relatives differ. Format:
/// <code>
/// == ID           starts a reference; several references may give the same id (full text, notice)
/// + phrase        a sentence of the licence (normalised before use: case, punctuation, wrapping)
/// ! phrase        the same, but it must be present
/// - phrase        rules this reference out when present (a relative's sentence)
/// &amp; ID            every phrase and exclusion of the reference ID above (a family's shared skeleton)
/// </code>
/// A phrase must not start with "copyright" (copyright lines are dropped by the normaliser) and
/// should not cross a numbered heading. See docs/licensing.md for how to add a licence and check it
/// against the real text.
/// </summary>
internal static class LicenseTextReferences
{
    internal const string Table = """
        == MIT
        + Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files
        + to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software
        + and to permit persons to whom the Software is furnished to do so, subject to the following conditions
        + The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software
        + THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED
        + BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE
        - shall not be used in advertising or otherwise to promote the sale, use or other dealings in this Software without prior written authorization

        == MIT-0
        + Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files
        + to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software
        ! and to permit persons to whom the Software is furnished to do so. THE SOFTWARE IS PROVIDED "AS IS"
        + BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE

        == ISC
        + distribute this software for any purpose with or without fee is hereby granted
        ! provided that the above copyright notice and this permission notice appear in all copies
        + DISCLAIMS ALL WARRANTIES WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS
        + BE LIABLE FOR ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS

        == 0BSD
        + Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted. THE SOFTWARE IS PROVIDED "AS IS"
        + DISCLAIMS ALL WARRANTIES WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS
        + BE LIABLE FOR ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS
        - provided that the above copyright notice and this permission notice appear in all copies

        == BSD-2-Clause
        + Redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met
        + Redistributions of source code must retain the above copyright notice, this list of conditions and the following disclaimer
        + Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the following disclaimer in the documentation and/or other materials provided with the distribution
        + AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED
        + BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
        - may be used to endorse or promote products derived from this software without specific prior written permission
        - All advertising materials mentioning features or use of this software must display the following acknowledgement

        == BSD-3-Clause
        + Redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met
        + Redistributions of source code must retain the above copyright notice, this list of conditions and the following disclaimer
        + Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the following disclaimer in the documentation and/or other materials provided with the distribution
        ! may be used to endorse or promote products derived from this software without specific prior written permission
        + AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED
        + BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
        - All advertising materials mentioning features or use of this software must display the following acknowledgement
        - NO EXPRESS OR IMPLIED LICENSES TO ANY PARTY'S PATENT RIGHTS ARE GRANTED BY THIS LICENSE

        == Apache-2.0
        ! Apache License Version 2.0, January 2004
        + TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION
        + "License" shall mean the terms and conditions for use, reproduction, and distribution as defined by Sections 1 through 9 of this document
        + each Contributor hereby grants to You a perpetual, worldwide, non-exclusive, no-charge, royalty-free, irrevocable copyright license to reproduce, prepare Derivative Works of
        + You must give any other recipients of the Work or Derivative Works a copy of this License
        + You must cause any modified files to carry prominent notices stating that You changed the files
        + If the Work includes a "NOTICE" text file as part of its distribution
        + Unless You explicitly state otherwise, any Contribution intentionally submitted for inclusion in the Work by You to the Licensor shall be under the terms and conditions of this License
        + While redistributing the Work or Derivative Works thereof, You may choose to offer, and charge a fee for, acceptance of support, warranty, indemnity

        # The standard notice alone ("Licensed under the Apache License, Version 2.0 ..."), as some LICENSE files carry.
        == Apache-2.0
        ! Licensed under the Apache License, Version 2.0 (the "License")
        + you may not use this file except in compliance with the License
        + You may obtain a copy of the License at
        + distributed under the License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied

        == GPL-2.0-only
        ! GNU GENERAL PUBLIC LICENSE Version 2, June 1991
        + The licenses for most software are designed to take away your freedom to share and change it
        + By contrast, the GNU General Public License is intended to guarantee your freedom to share and change free software
        + This License applies to any program or other work which contains a notice placed by the copyright holder saying it may be distributed under the terms of this General Public License
        + You may copy and distribute verbatim copies of the Program's source code as you receive it
        + If the distribution and/or use of the Program is restricted in certain countries either by patents or by copyrighted interfaces
        + BECAUSE THE PROGRAM IS LICENSED FREE OF CHARGE, THERE IS NO WARRANTY FOR THE PROGRAM
        - GNU LESSER GENERAL PUBLIC LICENSE Version 2.1, February 1999
        - GNU LIBRARY GENERAL PUBLIC LICENSE Version 2, June 1991

        == GPL-3.0-only
        ! GNU GENERAL PUBLIC LICENSE Version 3, 29 June 2007
        + The GNU General Public License is a free, copyleft license for software and other kinds of works
        + By contrast, the GNU General Public License is intended to guarantee your freedom to share and change all versions of a program
        + "This License" refers to version 3 of the GNU General Public License
        + Use with the GNU Affero General Public License
        + Protecting Users' Legal Rights From Anti-Circumvention Law
        + Conveying Non-Source Forms
        - This version of the GNU Lesser General Public License incorporates the terms and conditions of version 3 of the GNU General Public License
        - GNU AFFERO GENERAL PUBLIC LICENSE Version 3, 19 November 2007

        == LGPL-3.0-only
        ! GNU LESSER GENERAL PUBLIC LICENSE Version 3, 29 June 2007
        + This version of the GNU Lesser General Public License incorporates the terms and conditions of version 3 of the GNU General Public License, supplemented by the additional permissions listed below
        + "this License" refers to version 3 of the GNU Lesser General Public License, and the "GNU GPL" refers to version 3 of the GNU General Public License
        + You may convey a covered work under sections 3 and 4 of this License without being bound by section 3 of the GNU GPL
        + Object Code Incorporating Material from Library Header Files
        + Combined Libraries

        == LGPL-2.1-only
        ! GNU LESSER GENERAL PUBLIC LICENSE Version 2.1, February 1999
        + This is the first released version of the Lesser GPL. It also counts as the successor of the GNU Library Public License, version 2, hence the version number 2.1
        + This license, the Lesser General Public License, applies to some specially designated software packages--typically libraries
        + A "library" means a collection of software functions and/or data prepared so as to be conveniently linked with application programs
        + You may opt to apply the terms of the ordinary GNU General Public License instead of this License to a given copy of the Library
        + is called a "work that uses the Library"

        == LGPL-2.0-only
        ! GNU LIBRARY GENERAL PUBLIC LICENSE Version 2, June 1991
        + This license, the Library General Public License, applies to some specially designated Free Software Foundation software
        + A "library" means a collection of software functions and/or data prepared so as to be conveniently linked with application programs
        + You may opt to apply the terms of the ordinary GNU General Public License instead of this License to a given copy of the Library
        + is called a "work that uses the Library"

        == AGPL-3.0-only
        ! GNU AFFERO GENERAL PUBLIC LICENSE Version 3, 19 November 2007
        + The GNU Affero General Public License is a free, copyleft license for software and other kinds of works, specifically designed to ensure cooperation with the community in the case of network server software
        + "This License" refers to version 3 of the GNU Affero General Public License
        + Remote Network Interaction; Use with the GNU General Public License
        + your modified version must prominently offer all users interacting with it remotely through a computer network
        + Developers that use our General Public Licenses protect your rights with two steps

        == MPL-2.0
        ! Mozilla Public License Version 2.0
        + "Contributor" means each individual or legal entity that creates, contributes to the creation of, or owns Covered Software
        + "Incompatible With Secondary Licenses" means
        + "Larger Work" means a work that combines Covered Software with other material, in a separate file or files, that is not Covered Software
        + Source Code Form License Notice
        + This Source Code Form is subject to the terms of the Mozilla Public License, v. 2.0
        + "Secondary License" means either the GNU General Public License, Version 2.0, the GNU Lesser General Public License, Version 2.1, the GNU Affero General Public License, Version 3.0

        # Creative Commons 4.0: the title line and the licence-element clauses tell the six apart.
        == CC-BY-4.0
        ! Creative Commons Attribution 4.0 International Public License
        + By exercising the Licensed Rights (defined below), You accept and agree to be bound by the terms and conditions of this Creative Commons Attribution 4.0 International Public License
        + Creative Commons Corporation ("Creative Commons") is not a law firm and does not provide legal services or legal advice
        + If You Share Adapted Material You produce, the Adapter's License You apply must not prevent recipients of the Adapted Material from complying with this Public License
        + Adapter's License means the license You apply to Your Copyright and Similar Rights in Your contributions to Adapted Material in accordance with the terms and conditions of this Public License

        == CC-BY-SA-4.0
        ! Creative Commons Attribution-ShareAlike 4.0 International Public License
        + Creative Commons Corporation ("Creative Commons") is not a law firm and does not provide legal services or legal advice
        + BY-SA Compatible License means a license listed at
        + The Adapter's License You apply must be a Creative Commons license with the same License Elements, this version or later, or a BY-SA Compatible License
        + License Elements means the license attributes listed in the name of a Creative Commons Public License. The License Elements of this Public License are Attribution and ShareAlike

        == CC-BY-NC-4.0
        ! Creative Commons Attribution-NonCommercial 4.0 International Public License
        + Creative Commons Corporation ("Creative Commons") is not a law firm and does not provide legal services or legal advice
        + NonCommercial means not primarily intended for or directed towards commercial advantage or monetary compensation
        + reproduce and Share the Licensed Material, in whole or in part, for NonCommercial purposes only
        + If You Share Adapted Material You produce, the Adapter's License You apply must not prevent recipients of the Adapted Material from complying with this Public License

        == CC-BY-NC-SA-4.0
        ! Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International Public License
        + Creative Commons Corporation ("Creative Commons") is not a law firm and does not provide legal services or legal advice
        + NonCommercial means not primarily intended for or directed towards commercial advantage or monetary compensation
        + BY-NC-SA Compatible License means a license listed at
        + The Adapter's License You apply must be a Creative Commons license with the same License Elements, this version or later, or a BY-NC-SA Compatible License
        + The License Elements of this Public License are Attribution, NonCommercial, and ShareAlike

        == CC-BY-ND-4.0
        ! Creative Commons Attribution-NoDerivatives 4.0 International Public License
        + Creative Commons Corporation ("Creative Commons") is not a law firm and does not provide legal services or legal advice
        + reproduce and Share the Licensed Material, in whole or in part
        + produce and reproduce, but not Share, Adapted Material

        == CC-BY-NC-ND-4.0
        ! Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International Public License
        + Creative Commons Corporation ("Creative Commons") is not a law firm and does not provide legal services or legal advice
        + NonCommercial means not primarily intended for or directed towards commercial advantage or monetary compensation
        + produce and reproduce, but not Share, Adapted Material for NonCommercial purposes only

        # Open RAIL-M family (CreativeML for Stable Diffusion, BigScience for BLOOM-era models):
        # the same skeleton with use restrictions in Attachment A. The title picks the variant.
        == LicenseRef-OpenRAIL-M
        + Section III: CONDITIONS OF USAGE, DISTRIBUTION AND REDISTRIBUTION
        + Use-based restrictions as referenced in paragraph 5 MUST be included as an enforceable provision by You in any type of legal agreement
        + You shall require all of Your users who use the Model or a Derivative of the Model to comply with the terms of this paragraph
        + "Derivatives of the Model" means all modifications to the Model, works based on the Model, or any other model which is created or initialized by transfer of patterns of the weights, parameters, activations or output of the Model
        + You agree not to use the Model or Derivatives of the Model
        + For the purpose of exploiting, harming or attempting to exploit or harm minors in any way
        + To generate or disseminate verifiably false information and/or content with the purpose of harming others

        == LicenseRef-CreativeML-OpenRAIL-M
        ! CreativeML Open RAIL-M
        & LicenseRef-OpenRAIL-M

        == LicenseRef-BigScience-OpenRAIL-M
        ! BigScience Open RAIL-M
        & LicenseRef-OpenRAIL-M
        """;
}
