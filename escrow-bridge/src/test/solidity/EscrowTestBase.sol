// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {JobEscrow} from "../../main/solidity/JobEscrow.sol";
import {QuorumTestBase} from "./QuorumTestBase.sol";

/// Three oracles, threshold two, one payer and two providers; helpers that sign batches.
abstract contract EscrowTestBase is QuorumTestBase {

    JobEscrow internal escrow;
    address internal payer = address(0xBA1E);
    address internal provider = address(0xB0B);
    address internal provider2 = address(0xCAFE);

    function setUp() public virtual override {
        super.setUp();
        escrow = _deploy();
        vm.deal(payer, 1_000_000 ether);
    }

    function _deploy() internal returns (JobEscrow) {
        return new JobEscrow(governance, _oracleAddresses(), 2);
    }

    function _deposit(address to, uint256 amount, uint64 deadline) internal returns (uint64) {
        bytes32 key = keccak256(abi.encode(to, amount, escrow.nextJobId())); // before the prank
        vm.prank(payer);
        return escrow.deposit{value: amount}(key, to, deadline);
    }

    function _entry(uint64 jobId, uint32 providerId, uint64 usedGwei) internal pure returns (bytes memory) {
        return abi.encodePacked(jobId, providerId, usedGwei);
    }

    /// Signatures of the first two oracles (ascending), over the batch as this escrow sees it.
    function _sign(uint64 nonce, uint64 deadline, bytes memory entries) internal view returns (bytes memory) {
        return _quorum(escrow.settlementDigest(nonce, deadline, entries));
    }

    function _settle(bytes memory entries) internal {
        uint64 nonce = escrow.settlementNonce();
        uint64 deadline = uint64(block.timestamp + 1 hours);
        escrow.settle(nonce, deadline, entries, _sign(nonce, deadline, entries));
    }

    function _providerId(address who) internal view returns (uint32) {
        return escrow.accountIdOf(who);
    }
}
